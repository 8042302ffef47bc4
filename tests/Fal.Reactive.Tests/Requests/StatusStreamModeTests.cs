using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary><see cref="FalStatusMode.Streaming"/>: the server-sent status stream instead of polling, in virtual time.</summary>
public class StatusStreamModeTests : ReactiveTest
{
    private static readonly FalSubmitOptions s_streaming = new() { WithLogs = true, StatusMode = FalStatusMode.Streaming };

    private static SimulatedFal CreateBusyQueue()
    {
        var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 1 }, TimeSpan.FromSeconds(1))
            .WithLogs((TimeSpan.FromSeconds(0.25), "step 1"), (TimeSpan.FromSeconds(0.75), "step 2")));
        fal.Scheduler.ScheduleAbsolute(100, () =>
        {
            for (var i = 0; i < 2; i++)
            {
                fal.Client.Submit(App, new { prompt = $"earlier {i}" }).Subscribe(_ => { }, _ => { });
            }
        });
        return fal;
    }

    [Fact]
    public void Streaming_ReportsEachChangeWhenItHappens_WithCumulativeLogs_AndNeverPolls()
    {
        using var fal = CreateBusyQueue();

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "ours" }, s_streaming), disposed: Ticks(60));

        var requests = fal.Simulator.Requests;
        var ours = requests.Single(r => r.Input.GetProperty("prompt").GetString() == "ours");
        var started = ours.StartedAt!.Value;
        FalLog Log(string message, double offset) => new(message, "INFO", "USER", started + TimeSpan.FromSeconds(offset));
        var statuses = observer.Messages.Where(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext).Select(m => (m.Time, m.Value.Value)).ToList();

        statuses.Select(s => s.Value).Should().Equal(
            new Queued(ours.RequestId, 1),
            new Queued(ours.RequestId, 0),
            new InProgress(ours.RequestId, []),
            new InProgress(ours.RequestId, [Log("step 1", 0.25)]),
            new InProgress(ours.RequestId, [Log("step 1", 0.25), Log("step 2", 0.75)]),
            statuses[^1].Value);
        statuses[^1].Value.Should().BeOfType<Completed>().Which.Logs.Should().Equal(Log("step 1", 0.25), Log("step 2", 0.75));

        // Pushed at the moment they happen, not at the next poll.
        statuses[1].Time.Should().Be(requests[0].CompletedAt!.Value.Ticks);
        statuses[2].Time.Should().Be(started.Ticks);
        statuses[3].Time.Should().Be((started + TimeSpan.FromSeconds(0.25)).Ticks);
        statuses[^1].Time.Should().Be(ours.CompletedAt!.Value.Ticks);
        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);

        var ourCalls = fal.Simulator.Calls.Where(c => c.RequestId == ours.RequestId).ToList();
        ourCalls.Should().NotContain(c => c.Kind == FalCallKind.Status);
        ourCalls.Should().ContainSingle(c => c.Kind == FalCallKind.StatusStream);
    }

    [Fact]
    public void Streaming_DisposedMidStream_CancelsOnce()
    {
        using var fal = CreateBusyQueue();

        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "ours" }, s_streaming).Timeout(TimeSpan.FromSeconds(0.5), fal.Scheduler), disposed: Ticks(60));

        var ours = fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "ours");
        ours.State.Should().Be(FalSimulatedRequestState.Cancelled);
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.Time.Ticks.Should().Be(200 + Ticks(0.5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Streaming_StreamFailsToOpen_FallsBackToPolling_AndCompletes(bool dropConnection)
    {
        using var fal = new SimulatedFal(workers: 1);
        var script = FalAppScript.Succeed(new { seed = 1 }, TimeSpan.FromSeconds(1));
        fal.Simulator.MapApp(App, dropConnection
            ? script.WithDroppedConnections(FalCallKind.StatusStream, 1)
            : script.WithFailures(FalCallKind.StatusStream, 1, statusCode: 503));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "ours" }, s_streaming), disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        observer.Messages[^2].Value.Value.Should().BeOfType<Completed>();
        fal.CallsOf(FalCallKind.StatusStream).Should().ContainSingle();
        fal.CallsOf(FalCallKind.Status).Should().NotBeEmpty("polling took over");
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void StatusMode_Undefined_IsAnArgumentError()
    {
        using var fal = new SimulatedFal();

        FluentActions.Invoking(() => fal.Client.Submit(App, null, new FalSubmitOptions { StatusMode = (FalStatusMode)5 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*StatusMode*");
    }
}
