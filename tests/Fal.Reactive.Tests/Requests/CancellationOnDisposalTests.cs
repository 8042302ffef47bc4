using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Every way a subscription ends early leaves nothing running on the server: exactly one cancel.</summary>
public class CancellationOnDisposalTests : ReactiveTest
{
    /// <summary>One worker, busy for 100 s, so our request stalls at position 0.</summary>
    private static SimulatedFal CreateStalledQueue(TimeSpan? latency = null)
    {
        var fal = new SimulatedFal(workers: 1, latency: latency);
        fal.Simulator.MapApp(App, call => FalAppScript.Succeed(new { ok = true },
            call.Input.GetProperty("prompt").GetString() == "blocker" ? TimeSpan.FromSeconds(100) : TimeSpan.FromSeconds(1)));
        fal.Scheduler.ScheduleAbsolute(10, () => fal.Client.Submit(App, new { prompt = "blocker" }).Subscribe(_ => { }, _ => { }));
        return fal;
    }

    private static FalSimulatedRequest Ours(SimulatedFal fal) =>
        fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "ours");

    private static IObservable<FalStatus> Ours(FalClient client) => client.Submit(App, new { prompt = "ours" });

    [Fact]
    public void Timeout_OnAStalledRequest_FiresAtTheRightTick_AndCancelsOnce()
    {
        using var fal = CreateStalledQueue();

        var observer = fal.Scheduler.Start(() => Ours(fal.Client).Timeout(TimeSpan.FromSeconds(5), fal.Scheduler), disposed: Ticks(60));

        var id = Ours(fal).RequestId;
        observer.Messages.Should().HaveCount(2);
        observer.Messages[0].Should().Be(OnNext<FalStatus>(200, new Queued(id, 0)));
        observer.Messages[1].Time.Should().Be(200 + Ticks(5));
        observer.Messages[1].Value.Exception.Should().BeOfType<TimeoutException>();

        var cancels = fal.CallsOf(FalCallKind.Cancel);
        cancels.Should().ContainSingle().Which.Should().Match<FalRecordedCall>(c => c.RequestId == id && c.Time.Ticks == 200 + Ticks(5));
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.Simulator.Calls.Where(c => c.RequestId == id).Should().NotContain(c => c.Time.Ticks > 200 + Ticks(5));
    }

    [Fact]
    public void Take1_CancelsRightAfterTheFirstStatus()
    {
        using var fal = CreateStalledQueue();

        var observer = fal.Scheduler.Start(() => Ours(fal.Client).Take(1), disposed: Ticks(60));

        var id = Ours(fal).RequestId;
        observer.Messages.Should().Equal(OnNext<FalStatus>(200, new Queued(id, 0)), OnCompleted<FalStatus>(200));
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.Time.Ticks.Should().Be(200);
        fal.Simulator.Requests.Should().HaveCount(2, "the blocker and ours were both submitted");
        fal.CallsOf(FalCallKind.Status).Where(c => c.RequestId == id).Should().BeEmpty();
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void TakeUntil_CancelsWhenTheOtherSequenceFires()
    {
        using var fal = CreateStalledQueue();

        fal.Scheduler.Start(() => Ours(fal.Client).TakeUntil(Observable.Timer(TimeSpan.FromSeconds(2), fal.Scheduler)), disposed: Ticks(60));

        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.Time.Ticks.Should().Be(200 + Ticks(2));
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void DisposeDuringTheSubmitCall_CancelsOnceTheRequestIdArrives()
    {
        var latency = TimeSpan.FromMilliseconds(50);
        using var fal = CreateStalledQueue(latency);

        // Disposed 10 ms after subscribing: the submit answer is still 40 ms away.
        var observer = fal.Scheduler.Start(() => Ours(fal.Client), created: 50, subscribed: 200, disposed: 200 + Ticks(0.01));
        fal.Scheduler.AdvanceBy(Ticks(60));

        observer.Messages.Should().BeEmpty();
        var id = Ours(fal).RequestId;
        var cancel = fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which;
        cancel.RequestId.Should().Be(id);
        cancel.Time.Ticks.Should().Be(200 + latency.Ticks);
        fal.CallsOf(FalCallKind.Status).Where(c => c.RequestId == id).Should().BeEmpty();
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task WhenCancellationsSentAsync_WaitsForTheCancelOfARequestDisposedDuringSubmit()
    {
        var latency = TimeSpan.FromMilliseconds(50);
        using var fal = CreateStalledQueue(latency);
        fal.Scheduler.AdvanceBy(Ticks(1));
        var subscription = Ours(fal.Client).Subscribe(_ => { }, _ => { });

        subscription.Dispose();
        var sent = fal.Client.WhenCancellationsSentAsync();

        sent.IsCompleted.Should().BeFalse("the request id is still on its way");
        fal.Scheduler.AdvanceBy(latency.Ticks);       // the submit answer arrives; the cancel goes out
        sent.IsCompleted.Should().BeFalse("the cancel has not been answered yet");
        fal.Scheduler.AdvanceBy(latency.Ticks);       // the cancel's answer arrives
        await sent;
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.Client.WhenCancellationsSentAsync().IsCompleted.Should().BeTrue("nothing is pending any more");
    }

    [Fact]
    public void DisposeWhileRunning_CancelsTheRunningRequest()
    {
        using var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));

        fal.Scheduler.Start(() => Ours(fal.Client), disposed: 200 + Ticks(3));
        fal.Scheduler.AdvanceBy(Ticks(30));

        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.Time.Ticks.Should().Be(200 + Ticks(3));
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void Switch_CancelsTheRequestItSwitchesAwayFrom()
    {
        using var fal = new SimulatedFal(workers: 2);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        var prompts = fal.Scheduler.CreateHotObservable(OnNext(300, "first"), OnNext(300 + Ticks(2), "second"));

        var observer = fal.Scheduler.Start(() => prompts.Select(p => fal.Client.Submit(App, new { prompt = p })).Switch(), disposed: Ticks(60));

        var first = fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "first");
        first.State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.RequestId.Should().Be(first.RequestId);
        fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "second").State.Should().Be(FalSimulatedRequestState.Completed);
        observer.Messages.Last().Value.Kind.Should().Be(System.Reactive.NotificationKind.OnNext);
    }

    [Fact]
    public void DisposeAfterCompleted_SendsNoCancel()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));

        fal.Scheduler.Start(() => Ours(fal.Client), disposed: Ticks(60));

        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void ErrorResult_SendsNoCancel()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Fail(500, "boom", afterRun: TimeSpan.FromSeconds(1)));

        var observer = fal.Scheduler.Start(() => Ours(fal.Client), disposed: Ticks(60));

        observer.Messages.Last().Value.Exception.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(500);
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Failed);
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void SyncClientDispose_RightAfterDisposingASubscription_StillSendsTheCancel()
    {
        var latency = TimeSpan.FromMilliseconds(50);
        using var fal = CreateStalledQueue(latency);
        var client = fal.Simulator.CreateClient(); // owns its HttpClient
        fal.Scheduler.AdvanceBy(Ticks(1));
        var subscription = Ours(client).Subscribe(_ => { }, _ => { });

        // Both disposed while the submit is in flight: the cancel can only go out once its answer arrives.
        subscription.Dispose();
        client.Dispose();
        fal.Scheduler.AdvanceBy(Ticks(1));

        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.StatusCode.Should().Be(200);
    }

    [Fact]
    public void FailedCancel_IsRetried_AndNeverReachesTheObserver()
    {
        using var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10))
            .WithFailures(FalCallKind.Cancel, count: 2, statusCode: 503));

        var observer = fal.Scheduler.Start(() => Ours(fal.Client), disposed: 200 + Ticks(1));
        fal.Scheduler.AdvanceBy(Ticks(30));

        observer.Messages.Should().OnlyContain(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext);
        var cancels = fal.CallsOf(FalCallKind.Cancel);
        cancels.Should().HaveCount(3);
        cancels.Take(2).Should().OnlyContain(c => c.StatusCode == 503);
        cancels[2].StatusCode.Should().BeInRange(200, 299);
        Ours(fal).State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void InterruptedPollsAndFailingCancels_LeaveNoUnobservedTaskException()
    {
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            // Only ours: other tests run in parallel in this process.
            if (e.Exception.ToString().Contains("Fal.Reactive.", StringComparison.Ordinal))
            {
                lock (unobserved)
                {
                    unobserved.Add(e.Exception);
                }
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            for (var i = 0; i < 20; i++)
            {
                using var fal = new SimulatedFal(workers: 1, latency: TimeSpan.FromMilliseconds(10));
                fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10))
                    .WithFailures(FalCallKind.Cancel, count: 100, statusCode: 500));
                var observer = fal.Scheduler.CreateObserver<FalStatus>();
                var subscription = Ours(fal.Client).Subscribe(observer);

                // Disposed while a poll is in flight (answers take 10 ms); every cancel then fails.
                fal.Scheduler.AdvanceBy(Ticks(0.115));
                subscription.Dispose();
                fal.Scheduler.AdvanceBy(Ticks(120));

                observer.Messages.Should().OnlyContain(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext);
                fal.CallsOf(FalCallKind.Cancel).Should().HaveCount(4, "one cancel and three retries");
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            unobserved.Should().BeEmpty();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }
}
