using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Many watchers of one request through one client share one poll loop (virtual time).</summary>
public class SharedWatchesTests
{
    private static FalRequestHandle Submitted(SimulatedFal fal)
    {
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        var submit = fal.Client.SubmitAsync(App, new { prompt = "x" });
        fal.Scheduler.AdvanceBy(1);
        return submit.GetAwaiter().GetResult();
    }

    private static int StatusCalls(SimulatedFal fal, FalRequestHandle handle) =>
        fal.CallsOf(FalCallKind.Status).Count(c => c.RequestId == handle.RequestId);

    [Fact]
    public void FiftySubscribers_MakeAsManyStatusCallsAsOneWatcher_AndAllSeeCompletion()
    {
        using var one = new SimulatedFal();
        var single = Submitted(one);
        var completedOne = 0;
        using (single.Events().Subscribe(s => completedOne += s is Completed ? 1 : 0))
        {
            one.Scheduler.AdvanceBy(Ticks(12));
        }

        using var many = new SimulatedFal();
        var handle = Submitted(many);
        var completed = 0;
        var watchers = Enumerable.Range(0, 50).Select(_ => handle.Events().Subscribe(s => completed += s is Completed ? 1 : 0)).ToList();
        many.Scheduler.AdvanceBy(Ticks(12));
        watchers.ForEach(w => w.Dispose());

        completedOne.Should().Be(1);
        completed.Should().Be(50);
        StatusCalls(one, single).Should().BeGreaterThan(50);
        StatusCalls(many, handle).Should().Be(StatusCalls(one, single));
        many.CallsOf(FalCallKind.Result).Should().ContainSingle();
    }

    [Fact]
    public void DisposingEveryWatcher_StopsPolling()
    {
        using var fal = new SimulatedFal();
        var handle = Submitted(fal);
        var watchers = Enumerable.Range(0, 50).Select(_ => handle.Events().Subscribe()).ToList();
        fal.Scheduler.AdvanceBy(Ticks(1));

        watchers.Take(49).ToList().ForEach(w => w.Dispose());
        var beforeLast = StatusCalls(fal, handle);
        fal.Scheduler.AdvanceBy(Ticks(1));
        StatusCalls(fal, handle).Should().BeGreaterThan(beforeLast, "one watcher is left");

        watchers[^1].Dispose();
        var atEnd = StatusCalls(fal, handle);
        fal.Scheduler.AdvanceBy(Ticks(5));

        StatusCalls(fal, handle).Should().Be(atEnd);
    }

    [Fact]
    public void LateSubscriber_GetsTheCurrentStatusAtOnce_WithoutAnExtraCall()
    {
        using var fal = new SimulatedFal();
        var handle = Submitted(fal);
        using var early = handle.Events().Subscribe();
        fal.Scheduler.AdvanceBy(Ticks(1.05));
        var callsBefore = StatusCalls(fal, handle);

        var seen = new List<FalStatus>();
        using var late = handle.Events().Subscribe(seen.Add);

        seen.Should().ContainSingle().Which.Should().BeOfType<InProgress>();
        StatusCalls(fal, handle).Should().Be(callsBefore);
    }

    [Fact]
    public void DifferentIntervals_PollSeparately()
    {
        using var fal = new SimulatedFal();
        var handle = Submitted(fal);
        using var fast = handle.Events().Subscribe();
        using var slow = handle.Events(interval: TimeSpan.FromSeconds(1)).Subscribe();

        fal.Scheduler.AdvanceBy(Ticks(2));

        StatusCalls(fal, handle).Should().Be(21 + 3);
    }

    [Fact]
    public void WatchingAgainAfterAllLeft_StartsAFreshLoop_WithNoStaleStatus()
    {
        using var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp("fal-ai/blocker", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)));
        fal.Client.SubmitAsync("fal-ai/blocker", new { });
        var handle = Submitted(fal);
        handle.Events().Subscribe().Dispose();
        fal.Scheduler.AdvanceBy(Ticks(2));

        var seen = new List<FalStatus>();
        using var again = handle.Events().Subscribe(seen.Add);
        fal.Scheduler.AdvanceBy(1);

        seen.Should().ContainSingle().Which.Should().BeOfType<InProgress>("the first watch saw Queued; a new loop asks again");
    }

    [Fact]
    public void ClientDisposedWhileShared_EndsEveryWatcherWithTheTypedError()
    {
        using var fal = new SimulatedFal();
        var handle = Submitted(fal);
        var observers = Enumerable.Range(0, 3).Select(_ => fal.Scheduler.CreateObserver<FalStatus>()).ToList();
        observers.ForEach(o => handle.Events().Subscribe(o));
        fal.Scheduler.AdvanceBy(Ticks(1));

        fal.Client.Dispose();

        var errors = observers.Select(o => o.Messages.Last().Value.Exception).ToList();
        errors.Should().HaveCount(3).And.AllBeOfType<FalClientDisposedException>();
        errors.Cast<FalClientDisposedException>().Select(e => e.RequestId).Should().OnlyContain(id => id == handle.RequestId);
    }
}
