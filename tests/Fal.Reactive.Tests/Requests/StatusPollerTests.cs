using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>The one poll loop behind Submit, Events, IterEvents and Get, step by step in virtual time.</summary>
public class StatusPollerTests
{
    private static (StatusPoller Poller, string RequestId) Submitted(SimulatedFal fal, bool askAtOnce, System.Reactive.Concurrency.IScheduler? scheduler = null)
    {
        var queue = new FalClientContext(fal.Http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key) }, FalCredentials.FromKey(Key)).Queue;
        var submit = queue.SubmitAsync(FalAppId.Parse(App), "{}"u8.ToArray(), webhookUrl: null, SubmitSettings.Default.CallHeaders, scheduler: null, CancellationToken.None).AsTask();
        fal.Scheduler.AdvanceBy(1);
        var answer = submit.GetAwaiter().GetResult();
        var poller = new StatusPoller(queue, queue.UrlsOf(FalAppId.Parse(App), answer), answer.RequestId, withLogs: false, Interval, scheduler ?? fal.Scheduler, askAtOnce);
        return (poller, answer.RequestId);
    }

    [Fact]
    public void NextAsync_AskingAtOnce_PollsAtOnce_ThenWaitsTheIntervalBeforeEachPoll()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        var (poller, _) = Submitted(fal, askAtOnce: true);

        poller.NextAsync(async: true, CancellationToken.None).AsTask().IsCompleted.Should().BeTrue();
        var second = poller.NextAsync(async: true, CancellationToken.None).AsTask();
        fal.Scheduler.AdvanceBy(Interval.Ticks - 1);
        second.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(1);
        second.IsCompleted.Should().BeTrue();
        fal.CallsOf(FalCallKind.Status).Should().HaveCount(2);
    }

    [Fact]
    public void NextAsync_NotAskingAtOnce_WaitsBeforeTheFirstPollToo()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        var (poller, _) = Submitted(fal, askAtOnce: false);

        var first = poller.NextAsync(async: true, CancellationToken.None).AsTask();

        first.IsCompleted.Should().BeFalse();
        fal.CallsOf(FalCallKind.Status).Should().BeEmpty();
        fal.Scheduler.AdvanceBy(Interval.Ticks);
        first.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void NextAsync_OnCompleted_FetchesTheResult_AndMarksTheServerDone()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(1)));
        // The blocking path waits on its scheduler: there, a wait advances virtual time instead.
        var (poller, requestId) = Submitted(fal, askAtOnce: true, new AdvancingScheduler(fal.Scheduler));
        fal.Scheduler.AdvanceBy(Ticks(2));

        var status = poller.NextAsync(async: false, CancellationToken.None).EnsureCompleted();

        var completed = status.Should().BeOfType<Completed>().Subject;
        completed.RequestId.Should().Be(requestId);
        completed.Result!.Value.GetProperty("seed").GetInt32().Should().Be(7);
        poller.ServerDone.Should().BeTrue();
        fal.CallsOf(FalCallKind.Result).Should().ContainSingle();
    }
}
