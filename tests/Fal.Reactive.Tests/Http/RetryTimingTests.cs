using System.Net;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Http;

/// <summary>Jitter, the cap on <c>Retry-After</c>, and per-attempt timeouts, in virtual time.</summary>
public class RetryTimingTests : ReactiveTest
{
    private static TimeSpan[] RetryGaps()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Status, count: 3, statusCode: 503));
        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));
        var calls = fal.CallsOf(FalCallKind.Status);
        return [.. Enumerable.Range(1, 3).Select(i => calls[i].Time - calls[i - 1].Time)];
    }

    [Fact]
    public void BackoffJitter_TakesOffAtMostItsShare_AndReplaysTheSameInVirtualTime()
    {
        var gaps = RetryGaps();

        gaps[0].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(500));
        gaps[1].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(800)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        gaps[2].Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1600)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(2));
        // Replayed: the same clock, request and attempt give the same delay.
        var scheduler = new TestScheduler();
        var first = new FalRetryPolicy(new FalRetryOptions());
        var second = new FalRetryPolicy(new FalRetryOptions());
        Enumerable.Range(0, 5).Select(a => first.Delay(a, null, scheduler, "req-1")).Should().Equal(Enumerable.Range(0, 5).Select(a => second.Delay(a, null, scheduler, "req-1")));
    }

    [Fact]
    public void BackoffJitter_DiffersBetweenRequestsAndAttempts()
    {
        var policy = new FalRetryPolicy(new FalRetryOptions { Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1) });
        var scheduler = new TestScheduler();

        var delays = Enumerable.Range(0, 50).Select(i => policy.Delay(5, null, scheduler, $"req-{i}")).ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.FromSeconds(0.8) && d <= TimeSpan.FromSeconds(1));
        delays.Distinct().Should().HaveCountGreaterThan(40);
    }

    [Fact]
    public void RetryAfterLongerThanMaxRetryAfter_WaitsOnlyTheCap()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Status, count: 1, statusCode: 503, retryAfter: TimeSpan.FromSeconds(3600)));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(600));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        var statuses = fal.CallsOf(FalCallKind.Status);
        (statuses[1].Time - statuses[0].Time).Should().Be(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void RetryAfterDateFarInTheFuture_IsCapped_NeverAnArgumentOutOfRangeException()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        var statusCalls = 0;
        using var handler = new ScriptedHandler((request, _) =>
            request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) && ++statusCalls == 1
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { { "Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT" } } })
                : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval });

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(600));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        statusCalls.Should().BeGreaterThan(1);
    }

    [Fact]
    public void AStalledStatusCall_IsAbandonedAfterAttemptTimeout_OnTheScheduler_AndRetried()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        var statusCalls = 0;
        using var handler = new ScriptedHandler((request, token) =>
            request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) && ++statusCalls == 1 ? ScriptedHandler.Stall(token) : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, Retry = new FalRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(5) },
        });

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        var statuses = fal.CallsOf(FalCallKind.Status);
        // The stalled first call never reached the simulator; the retry did, 5 s (the timeout) plus the back-off later.
        statuses[0].Time.Should().BeOnOrAfter(new DateTimeOffset(200 + Ticks(0.1) + Ticks(5) + Ticks(0.4), TimeSpan.Zero));
    }

    [Fact]
    public void StatusCallsThatAlwaysStall_EndTheRequestWithATimeout_CarryingItsId_AndCancelIt()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) =>
            request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) ? ScriptedHandler.Stall(token) : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval,
            Retry = new FalRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(5), MaxRetries = 1 },
        });

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var id = fal.Simulator.Requests.Single().RequestId;
        var error = observer.Messages[^1].Value.Exception.Should().BeOfType<FalException>().Subject;
        error.RequestId.Should().Be(id);
        error.InnerException.Should().BeOfType<TimeoutException>();
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.RequestId.Should().Be(id);
    }

    [Fact]
    public async Task WhenCancellationsSentAsync_WithAServerThatNeverAnswersTheCancel_EndsAfterDisposeTimeout()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) => request.Method == HttpMethod.Put ? ScriptedHandler.Stall(token) : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, DisposeTimeout = TimeSpan.FromSeconds(10),
        });
        var subscription = client.Submit(App, new { prompt = "x" }).Subscribe(_ => { }, _ => { });
        fal.Scheduler.AdvanceBy(Ticks(2));
        subscription.Dispose();

        var waiting = client.WhenCancellationsSentAsync();
        fal.Scheduler.AdvanceBy(Ticks(9.9));
        waiting.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(Ticks(0.2));

        waiting.IsCompletedSuccessfully.Should().BeTrue();
        await waiting;
    }
}
