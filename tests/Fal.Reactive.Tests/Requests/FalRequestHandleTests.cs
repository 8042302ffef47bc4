using System.Reactive.Linq;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>fal_client's request handle semantics, async and sync, against the simulator in virtual time.</summary>
public class FalRequestHandleTests : ReactiveTest
{
    private static readonly object s_output = new { images = new[] { new { url = "https://v3.fal.media/files/x.png" } }, seed = 7 };

    private static SimulatedFal Create(TimeSpan runTime, bool advancing = false)
    {
        var fal = new SimulatedFal(workers: 1, blockingApi: advancing);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, runTime).WithLogs((TimeSpan.FromSeconds(0.5), "halfway")));
        return fal;
    }

    private static T Await<T>(SimulatedFal fal, Task<T> task, double seconds = 60)
    {
        fal.Scheduler.AdvanceBy(Ticks(seconds));
        task.IsCompleted.Should().BeTrue("virtual time has passed the request's completion");
        return task.GetAwaiter().GetResult();
    }

    [Fact]
    public void SubmitAsync_ThenStatusAsync_ReportsQueuedThenRunning()
    {
        using var fal = Create(TimeSpan.FromSeconds(2));
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        handle.RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        handle.AppId.Should().Be(App);
        Await(fal, handle.StatusAsync(), seconds: 1).Should().Be(new InProgress(handle.RequestId, null));
        Await(fal, handle.StatusAsync(withLogs: true), seconds: 0).Should().BeOfType<InProgress>()
            .Which.Logs.Should().ContainSingle().Which.Message.Should().Be("halfway");
    }

    [Fact]
    public async Task IterEventsAsync_YieldsEveryPoll_AndEndsWithCompletedCarryingTheResult()
    {
        using var fal = Create(TimeSpan.FromSeconds(1));
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        var collected = Collect(handle.IterEventsAsync(withLogs: true, interval: TimeSpan.FromMilliseconds(200)));
        var statuses = Await(fal, collected, seconds: 5);

        statuses.Select(s => s.GetType().Name).Should().Equal("InProgress", "InProgress", "InProgress", "InProgress", "InProgress", "Completed");
        var completed = statuses[^1].Should().BeOfType<Completed>().Subject;
        completed.Result!.Value.GetProperty("seed").GetInt32().Should().Be(7);
        completed.Logs.Should().ContainSingle();
        fal.CallsOf(FalCallKind.Status).Should().HaveCount(6); // 0, .2, .4, .6, .8, 1.0 s
        await Task.CompletedTask;
    }

    [Fact]
    public void GetAsyncT_WaitsForCompletion_AndDeserializes()
    {
        using var fal = Create(TimeSpan.FromSeconds(3));
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        var task = handle.GetAsync<Output>();
        fal.Scheduler.AdvanceBy(Ticks(2.9));
        task.IsCompleted.Should().BeFalse();

        Await(fal, task, seconds: 1).Seed.Should().Be(7);
    }

    [Fact]
    public async Task StuckAtOneQueuePosition_IterEventsAsyncYieldsEveryPoll_WhileEventsEmitsOnce()
    {
        using var fal = Create(TimeSpan.FromSeconds(10));
        Await(fal, fal.Client.SubmitAsync(App, new { prompt = "blocker" }), seconds: 0);
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);
        var stuck = new Queued(handle.RequestId, 0);

        // The request sits at position 0 behind the blocker: one status per poll from the enumerable, so a
        // loop can check a deadline at each one.
        var polls = fal.CallsOf(FalCallKind.Status).Count;
        var statuses = Await(fal, Collect(handle.IterEventsAsync(interval: Interval), max: 20), seconds: 5);
        statuses.Should().HaveCount(20).And.OnlyContain(s => s == stuck);
        (fal.CallsOf(FalCallKind.Status).Count - polls).Should().Be(20);

        // The observable polls as often and emits on change: once.
        polls = fal.CallsOf(FalCallKind.Status).Count;
        var observer = fal.Scheduler.CreateObserver<FalStatus>();
        using (handle.Events(interval: Interval).Subscribe(observer))
        {
            fal.Scheduler.AdvanceBy(Ticks(1.95));
        }

        (fal.CallsOf(FalCallKind.Status).Count - polls).Should().Be(20);
        observer.Messages.Should().ContainSingle().Which.Value.Value.Should().Be(stuck);
        await Task.CompletedTask;
    }

    [Fact]
    public void MonitorWithTimeout_OverIterEvents_CancelsARequestStuckInTheQueue()
    {
        using var fal = Create(TimeSpan.FromSeconds(10), advancing: true);
        Await(fal, fal.Client.SubmitAsync(App, new { prompt = "blocker" }), seconds: 0);
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);
        var deadline = fal.Scheduler.Now + TimeSpan.FromSeconds(2);
        var seen = 0;

        foreach (var status in handle.IterEvents(interval: Interval))
        {
            seen++;
            if (fal.Scheduler.Now > deadline)
            {
                handle.Cancel();
                break;
            }
        }

        seen.Should().BeGreaterThan(1);
        fal.Simulator.Requests.Single(r => r.RequestId == handle.RequestId).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void Events_IsWatchOnly_DisposingDoesNotCancel()
    {
        using var fal = Create(TimeSpan.FromSeconds(10));
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        var observer = fal.Scheduler.CreateObserver<FalStatus>();
        var watching = handle.Events(interval: TimeSpan.FromSeconds(1)).Subscribe(observer);
        fal.Scheduler.AdvanceBy(Ticks(2.5));
        watching.Dispose();
        fal.Scheduler.AdvanceBy(Ticks(2));

        observer.Messages.Should().ContainSingle().Which.Value.Value.Should().Be(new InProgress(handle.RequestId, null));
        fal.CallsOf(FalCallKind.Status).Should().HaveCount(3); // at 0, 1 and 2 s; none after disposal
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Running);
    }

    [Fact]
    public void CancelAsync_QueuedRequest_RemovesIt()
    {
        using var fal = Create(TimeSpan.FromSeconds(10));
        var blocker = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "blocker" }), seconds: 0);
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        Await(fal, handle.StatusAsync(), seconds: 0).Should().Be(new Queued(handle.RequestId, 0));
        handle.CancelAsync().IsCompletedSuccessfully.Should().BeTrue();

        fal.Simulator.Requests.Single(r => r.RequestId == handle.RequestId).State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.Simulator.Requests.Single(r => r.RequestId == blocker.RequestId).State.Should().Be(FalSimulatedRequestState.Running);
    }

    [Fact]
    public void GetAsync_OfACancelledRequest_ThrowsFalHttpException499()
    {
        using var fal = Create(TimeSpan.FromSeconds(10));
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);
        fal.Scheduler.AdvanceBy(Ticks(1));
        handle.CancelAsync();

        var task = handle.GetAsync();
        fal.Scheduler.AdvanceBy(Ticks(5));

        var e = task.Exception!.InnerException.Should().BeOfType<FalHttpException>().Subject;
        e.StatusCode.Should().Be(499);
        e.IsCancelled.Should().BeTrue();
        e.RequestId.Should().Be(handle.RequestId);
    }

    [Fact]
    public void GetHandle_ResumesARequestSubmittedElsewhere()
    {
        using var fal = Create(TimeSpan.FromSeconds(1));
        var original = Await(fal, fal.Client.SubmitAsync("fal-ai/fast-sdxl/image-to-image", new { prompt = "x" }), seconds: 0);

        var resumed = FalRequestHandle.FromRequestId(fal.Client, "fal-ai/fast-sdxl/image-to-image", original.RequestId);

        Await(fal, resumed.GetAsync(), seconds: 5).GetProperty("seed").GetInt32().Should().Be(7);
        fal.CallsOf(FalCallKind.Status).Should().OnlyContain(c => c.Url.AbsolutePath.StartsWith("/fal-ai/fast-sdxl/requests/", StringComparison.Ordinal));
    }

    [Fact]
    public void SyncApi_StatusIterEventsGetCancel_DoSynchronousCalls()
    {
        using var fal = Create(TimeSpan.FromSeconds(1), advancing: true);
        var handle = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "x" }), seconds: 0);

        handle.Status().Should().Be(new InProgress(handle.RequestId, null));
        var statuses = handle.IterEvents(withLogs: true).ToList();
        statuses[^1].Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("seed").GetInt32().Should().Be(7);
        handle.Get().GetProperty("seed").GetInt32().Should().Be(7);
        handle.Get<Output>().Seed.Should().Be(7);
        handle.Cancel(); // already completed: not an error

        var other = Await(fal, fal.Client.SubmitAsync(App, new { prompt = "y" }), seconds: 0);
        other.Cancel();
        fal.Simulator.Requests.Single(r => r.RequestId == other.RequestId).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void Status_OfAnUnknownRequest_Is404()
    {
        using var fal = Create(TimeSpan.FromSeconds(1), advancing: true);

        var e = FluentActions.Invoking(() => fal.Client.GetHandle(App, "no-such-request").Status())
            .Should().Throw<FalHttpException>().Which;

        e.StatusCode.Should().Be(404);
        e.RequestId.Should().Be("no-such-request");
    }

    [Fact]
    public void SubscribeAsync_ReportsProgress_AndReturnsTheOutput()
    {
        using var fal = Create(TimeSpan.FromSeconds(1));
        var seen = new List<FalStatus>();

        var output = Await(fal, fal.Client.SubscribeAsync(App, new { prompt = "x" }, onUpdate: seen.Add), seconds: 5);

        output.GetProperty("seed").GetInt32().Should().Be(7);
        seen.Select(s => s.GetType().Name).Should().Equal("Queued", "InProgress", "Completed");
    }

    // Every await here is ConfigureAwait(false), and so must be everything between it and the enumerable: an
    // operator that captures the test's synchronization context (as AsyncEnumerable.Take did) posts the code
    // after a virtual-time delay to the thread pool, where it races with AdvanceBy.
    private static async Task<List<FalStatus>> Collect(IAsyncEnumerable<FalStatus> source, int max = int.MaxValue)
    {
        var list = new List<FalStatus>();
        await foreach (var s in source.ConfigureAwait(false))
        {
            list.Add(s);
            if (list.Count == max)
            {
                break;
            }
        }

        return list;
    }

    private sealed record Output(int Seed);
}
