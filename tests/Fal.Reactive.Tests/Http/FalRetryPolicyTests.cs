using System.Net;
using System.Net.Http.Headers;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Http;

/// <summary>Back-off and the server's <c>Retry-After</c>, in virtual time.</summary>
public class FalRetryPolicyTests : ReactiveTest
{
    [Fact]
    public void Delay_DoublesFromDelay_UpToMaxDelay()
    {
        var policy = new FalRetryPolicy(new FalRetryOptions { Delay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(3) });

        Enumerable.Range(0, 5).Select(a => policy.Delay(a, retryAfter: null).TotalSeconds).Should().Equal(0.5, 1, 2, 3, 3);
    }

    [Fact]
    public void Delay_RetryAfterLongerThanTheBackoff_IsTheFloor_AndShorterIsIgnored()
    {
        var policy = new FalRetryPolicy(new FalRetryOptions { Delay = TimeSpan.FromMilliseconds(500) });

        policy.Delay(0, TimeSpan.FromSeconds(3)).Should().Be(TimeSpan.FromSeconds(3));
        policy.Delay(1, TimeSpan.FromMilliseconds(200)).Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void RetryAfterInSeconds_LongerThanTheBackoff_DelaysTheRetryToIt()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Status, count: 1, statusCode: 503, retryAfter: TimeSpan.FromSeconds(3)));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        var statuses = fal.CallsOf(FalCallKind.Status);
        statuses[0].StatusCode.Should().Be(503);
        // The back-off alone would retry after 500 ms; the server asked for 3 s.
        (statuses[1].Time - statuses[0].Time).Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void RetryAfterAsAnHttpDate_DelaysTheRetryUntilThatDate_OnTheSchedulersClock()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        fal.Scheduler.AdvanceTo(TimeSpan.FromDays(365 * 2000).Ticks); // a clock in this era, so the date is a real one
        using var handler = new FirstStatusUnavailableUntil(fal.Scheduler, TimeSpan.FromSeconds(4)) { InnerHandler = fal.Simulator.CreateHandler() };
        using var http = new HttpClient(handler);
        using var client = new FalClient(http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval });

        var start = fal.Scheduler.Clock;
        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), start + 100, start + 200, start + Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        handler.RetryAt.Should().NotBeNull();
        // The back-off alone would retry after 500 ms; the date is 4 s after the failed call.
        fal.CallsOf(FalCallKind.Status)[0].Time.Should().BeOnOrAfter(handler.RetryAt!.Value);
    }

    /// <summary>Answers the first status call with 503 and <c>Retry-After</c> as an HTTP date; passes everything else on.</summary>
    private sealed class FirstStatusUnavailableUntil(TestScheduler scheduler, TimeSpan wait) : DelegatingHandler
    {
        public DateTimeOffset? RetryAt { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (RetryAt is not null || request.RequestUri?.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) != true)
            {
                return base.SendAsync(request, cancellationToken);
            }

            // HTTP dates have whole seconds: round up, so the date is at least `wait` away.
            var now = scheduler.Now;
            var date = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero) + wait + TimeSpan.FromSeconds(1);
            RetryAt = date;
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html>503</html>") };
            response.Headers.RetryAfter = RetryConditionHeaderValue.Parse(date.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(response);
        }
    }
}
