using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Adaptive polling in virtual time: a request queued ~30 s behind three blockers on one worker.</summary>
public class AdaptivePollingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    private sealed record Outcome(int StatusCalls, long CompletedAtServer, long NoticedAt);

    private static Outcome RunQueuedBehindBlockers(FalAdaptivePolling? adaptive)
    {
        using var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp("fal-ai/blocker", FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1.05)));
        var blockers = Enumerable.Range(0, 3).Select(_ => fal.Client.Submit("fal-ai/blocker", new { }).Subscribe()).ToList();
        fal.Scheduler.AdvanceBy(1);
        long noticedAt = -1;
        string? id = null;
        using var watch = fal.Client
            .Submit(App, new { }, new FalSubmitOptions { AdaptivePolling = adaptive, OnEnqueue = r => id = r })
            .Subscribe(s => noticedAt = s is Completed ? fal.Scheduler.Clock : noticedAt);
        fal.Scheduler.AdvanceBy(Ticks(60));
        blockers.ForEach(b => b.Dispose());

        noticedAt.Should().BePositive("the request completes within the minute");
        var served = fal.Simulator.Requests.Single(r => r.RequestId == id);
        var completedAt = served.CompletedAt!.Value.UtcTicks;
        var calls = fal.Simulator.Calls.Count(c => c.Kind == FalCallKind.Status && c.RequestId == id);
        return new Outcome(calls, completedAt, noticedAt);
    }

    [Fact]
    public void RequestQueuedThirtySeconds_Adaptive_MakesAtLeastFiveTimesFewerStatusCallsThanAFixedInterval()
    {
        var fixedInterval = RunQueuedBehindBlockers(adaptive: null);
        var adaptive = RunQueuedBehindBlockers(new FalAdaptivePolling(Bound));

        fixedInterval.StatusCalls.Should().BeGreaterThan(250, "a fixed 100 ms polls ~300 times in 31 s");
        (adaptive.StatusCalls * 5).Should().BeLessThanOrEqualTo(fixedInterval.StatusCalls);
    }

    [Fact]
    public void RequestQueuedThirtySeconds_Adaptive_NoticesCompletionWithinTheBound()
    {
        var adaptive = RunQueuedBehindBlockers(new FalAdaptivePolling(Bound));

        (adaptive.NoticedAt - adaptive.CompletedAtServer).Should().BeInRange(0, Bound.Ticks);
    }

    [Fact]
    public void Policy_QueuedPolls_WaitsDoubleUpToTheBound_AndARunningRequestIsPolledAtTheBaseInterval()
    {
        var adaptive = new AdaptivePollInterval(Interval, new FalAdaptivePolling(Bound));
        var queued = new Queued("r", 5);

        var waits = Enumerable.Range(0, 10).Select(_ => adaptive.After(queued)).ToList();

        waits.Should().OnlyContain(w => w <= Bound);
        waits[^1].Should().Be(Bound, "a long queue is polled once per bound");
        adaptive.After(new InProgress("r", [])).Should().Be(Interval, "a running request is polled at the base interval");
    }

    [Fact]
    public void Constructor_NonPositiveBound_Throws()
    {
        var act = () => new FalAdaptivePolling(TimeSpan.Zero);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxNoticeDelay");
    }
}
