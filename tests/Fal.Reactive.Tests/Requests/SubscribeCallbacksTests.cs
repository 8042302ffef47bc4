using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>fal_client's subscribe callbacks (<c>on_enqueue</c>, <c>on_queue_update</c>) as submit options, in virtual time.</summary>
public class SubscribeCallbacksTests : ReactiveTest
{
    private static SimulatedFal Create()
    {
        var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(2)).WithQueueTime(TimeSpan.FromSeconds(1)));
        return fal;
    }

    [Fact]
    public async Task SubscribeAsync_OnEnqueueAtOnce_ThenOnUpdateForEachStatus_CompletedIncluded()
    {
        using var fal = Create();
        var seen = new List<string>();
        var options = new FalSubmitOptions { OnEnqueue = id => seen.Add("enqueued " + id) };

        var output = fal.Client.SubscribeAsync(App, new { prompt = "x" }, options, onUpdate: status => seen.Add(status.GetType().Name));
        fal.Scheduler.AdvanceBy(1);
        var id = fal.Simulator.Requests.Single().RequestId;
        // The id arrives with the submit's answer, before any status.
        seen.Should().Equal("enqueued " + id, nameof(Queued));
        fal.Scheduler.AdvanceBy(Ticks(5));

        (await output).GetProperty("seed").GetInt32().Should().Be(7);
        seen.Should().Equal("enqueued " + id, nameof(Queued), nameof(InProgress), nameof(Completed));
    }

    [Fact]
    public void Submit_OnEnqueueThrows_FailsWithThatError_AndCancelsTheRequest()
    {
        using var fal = Create();
        var options = new FalSubmitOptions { OnEnqueue = _ => throw new InvalidOperationException("store is down") };

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, null, options), disposed: Ticks(60));

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<InvalidOperationException>();
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task SubscribeAsync_OnUpdateThrows_FailsWithThatError_AndCancelsTheRequest()
    {
        using var fal = Create();

        var output = fal.Client.SubscribeAsync(App, null, onUpdate: s => throw new InvalidOperationException("ui is gone"));
        fal.Scheduler.AdvanceBy(Ticks(1));

        await output.Awaiting(o => o).Should().ThrowAsync<InvalidOperationException>().WithMessage("ui is gone");
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task HandleEvents_StreamingMode_FollowsTheStatusStream_AndNeverPolls()
    {
        using var fal = Create();
        var submit = fal.Client.SubmitAsync(App, null);
        fal.Scheduler.AdvanceBy(1);
        var handle = await submit;

        var observer = fal.Scheduler.Start(() => handle.Events(withLogs: true, statusMode: FalStatusMode.Streaming), disposed: Ticks(60));

        var statuses = observer.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value).ToList();
        statuses.Select(s => s.GetType().Name).Should().Equal(nameof(Queued), nameof(InProgress), nameof(Completed));
        statuses[^1].Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("seed").GetInt32().Should().Be(7);
        fal.CallsOf(FalCallKind.StatusStream).Should().ContainSingle();
        fal.CallsOf(FalCallKind.Status).Should().BeEmpty();
    }

    [Fact]
    public void HandleEvents_UndefinedStatusMode_ThrowsAtTheCall()
    {
        using var fal = Create();
        var handle = fal.Client.GetHandle(App, "req-1");

        handle.Invoking(h => h.Events(statusMode: (FalStatusMode)7)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
