using System.Reactive.Concurrency;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Scheduling;

/// <summary>
/// A poll loop's attempts share one deadline (one cancellation source reset between calls, one scheduled check per
/// timeout): each attempt is still bounded by the attempt timeout from its own start, and nothing outlives the loop.
/// </summary>
public class AttemptDeadlineTests : ReactiveTest
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void ALaterStatusCallStalls_IsAbandonedOneAttemptTimeoutAfterItBegan_AndRetried()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(30)));
        var statusCalls = 0;
        // The 4th poll stalls: the check armed at the 1st poll fires during it and must wait out what is left of it.
        using var handler = new ScriptedHandler((request, token) =>
            request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) && ++statusCalls == 4 ? ScriptedHandler.Stall(token) : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, Retry = new FalRetryOptions { AttemptTimeout = s_timeout },
        });

        fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(20));

        var statuses = fal.CallsOf(FalCallKind.Status);
        // Calls 1–3 reached the simulator; the 4th began one interval after the 3rd and stalled; the retry (the 4th
        // to arrive) came the attempt timeout plus the first back-off (0.4–0.5 s with jitter) after it began.
        var stalledAt = statuses[2].Time + Interval;
        (statuses[3].Time - stalledAt).Should().BeGreaterThanOrEqualTo(s_timeout + TimeSpan.FromMilliseconds(400))
            .And.BeLessThanOrEqualTo(s_timeout + TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void APollLoop_ArmsTheAttemptCheckOncePerTimeout_NotOncePerPoll()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(3)));
        var counting = new CountingScheduler(fal.Scheduler);
        using var client = new FalClient(fal.Http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = counting, PollInterval = Interval, Retry = new FalRetryOptions { AttemptTimeout = s_timeout },
        });

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(20));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        fal.CallsOf(FalCallKind.Status).Should().HaveCountGreaterThan(25);
        // 3 s of polls fit in one 5 s timeout: one check for the status and result calls (the submit has no timeout).
        counting.SchedulesOf(s_timeout).Should().Be(1);
    }

    [Fact]
    public void ACompletedRequest_LeavesNoAttemptCheckPending()
    {
        using var fal = new SimulatedFal(configure: o => o.Retry = new FalRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(60) });
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        var completed = false;
        using var subscription = fal.Client.Submit(App, new { prompt = "x" }).Subscribe(_ => { }, () => completed = true);

        // Runs until no work is left: a check left armed by the finished poll loop would move the clock to a minute.
        fal.Scheduler.Start();

        completed.Should().BeTrue();
        fal.Scheduler.Clock.Should().BeLessThan(Ticks(10));
    }

    /// <summary>Counts the waits scheduled on a scheduler by their length.</summary>
    private sealed class CountingScheduler(IScheduler inner) : IScheduler
    {
        private readonly List<TimeSpan> _waits = [];

        public DateTimeOffset Now => inner.Now;

        public int SchedulesOf(TimeSpan dueTime) => _waits.Count(w => w == dueTime);

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, (_, s) => action(this, s));

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            _waits.Add(dueTime);
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, dueTime, (_, s) => action(this, s));
    }
}
