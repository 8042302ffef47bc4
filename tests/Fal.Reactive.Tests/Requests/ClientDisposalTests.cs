using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Disposing the client with requests in flight: one typed error each, every request cancelled, nothing polled after.</summary>
public class ClientDisposalTests : ReactiveTest
{
    private static SimulatedFal CreateLongRuns(TimeSpan? latency = null)
    {
        var fal = new SimulatedFal(workers: 1, latency: latency);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        return fal;
    }

    [Fact]
    public void DisposeAsyncWithRequestsInFlight_EndsEachWithOneFalClientDisposedException_CarryingItsId_AndCancelsEachOnTheServer()
    {
        using var fal = CreateLongRuns();
        var observers = Enumerable.Range(0, 5).Select(_ => fal.Scheduler.CreateObserver<FalStatus>()).ToList();
        var subscriptions = observers.Select((o, i) => fal.Client.Submit(App, new { prompt = $"p{i}" }).Subscribe(o)).ToList();
        fal.Scheduler.AdvanceBy(Ticks(5));
        var disposedAt = fal.Scheduler.Clock;

        var disposing = fal.Client.DisposeAsync().AsTask();
        fal.Scheduler.AdvanceBy(Ticks(1));

        disposing.IsCompletedSuccessfully.Should().BeTrue();
        foreach (var observer in observers)
        {
            var id = observer.Messages[0].Value.Value.RequestId;
            observer.Messages.Where(m => m.Value.Kind != System.Reactive.NotificationKind.OnNext).Should().ContainSingle()
                .Which.Value.Exception.Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(id);
        }

        fal.CallsOf(FalCallKind.Cancel).Select(c => c.RequestId).Should().BeEquivalentTo(fal.Simulator.Requests.Select(r => r.RequestId));
        fal.Simulator.Requests.Should().OnlyContain(r => r.CancelRequested);
        fal.Scheduler.AdvanceBy(Ticks(60));
        fal.Simulator.Calls.Where(c => c.Kind == FalCallKind.Status).Should().NotContain(c => c.Time.Ticks > disposedAt, "polling stopped");
    }

    [Fact]
    public void DisposeWhileTheSubmitIsInFlight_CancelsTheRequestOnceItsIdArrives_AndTheErrorCarriesIt()
    {
        using var fal = CreateLongRuns(latency: TimeSpan.FromMilliseconds(50));
        var observer = fal.Scheduler.CreateObserver<FalStatus>();
        fal.Client.Submit(App, new { prompt = "x" }).Subscribe(observer);
        fal.Scheduler.AdvanceBy(Ticks(0.01));

        var disposing = fal.Client.DisposeAsync().AsTask();
        disposing.IsCompleted.Should().BeFalse("the submit's answer, and so the id to cancel, is still on its way");
        fal.Scheduler.AdvanceBy(Ticks(1));

        disposing.IsCompletedSuccessfully.Should().BeTrue();
        var id = fal.Simulator.Requests.Should().ContainSingle().Subject.RequestId;
        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(id);
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.RequestId.Should().Be(id);
    }

    [Fact]
    public async Task DisposeWhileWatchingAHandle_EndsTheWatchWithTheTypedError_AndLeavesTheRequestRunning()
    {
        using var fal = CreateLongRuns();
        var id = (await fal.Client.SubmitAsync(App, new { prompt = "x" })).RequestId;
        var observer = fal.Scheduler.CreateObserver<FalStatus>();
        fal.Client.GetHandle(App, id).Events().Subscribe(observer);
        fal.Scheduler.AdvanceBy(Ticks(2));

        fal.Client.Dispose();

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(id);
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty("a watch never owned the request");
    }

    [Fact]
    public async Task CallsAfterDisposal_ThrowObjectDisposedException_AtTheCall()
    {
        using var fal = CreateLongRuns();
        var handle = fal.Client.GetHandle(App, "0b8f4f43-4bd8-4d2b-9c55-8c4c1f7c9e11");
        var cold = fal.Client.Submit(App, new { prompt = "x" });
        await fal.Client.DisposeAsync();

        fal.Client.Invoking(c => c.Submit(App, null)).Should().Throw<ObjectDisposedException>();
        fal.Client.Invoking(c => c.GetHandle(App, "abc")).Should().Throw<ObjectDisposedException>();
        fal.Client.Invoking(c => c.Stream(App, null)).Should().Throw<ObjectDisposedException>();
        await fal.Client.Invoking(c => c.SubmitAsync(App, null)).Should().ThrowAsync<ObjectDisposedException>();
        await fal.Client.Invoking(c => c.RunAsync(App, null)).Should().ThrowAsync<ObjectDisposedException>();
        handle.Invoking(h => h.Status()).Should().Throw<ObjectDisposedException>();
        handle.Invoking(h => h.Events()).Should().Throw<ObjectDisposedException>();
        handle.Invoking(h => h.Cancel()).Should().Throw<ObjectDisposedException>();
        // A cold observable made before disposal, subscribed after: an error, and nothing sent.
        var observer = fal.Scheduler.CreateObserver<FalStatus>();
        cold.Subscribe(observer);
        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<ObjectDisposedException>();
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public void DisposeAsync_WhenTheServerNeverAnswersTheCancel_ReturnsAfterDisposeTimeout_OnTheScheduler()
    {
        var scheduler = new TestScheduler();
        var simulator = new FalSimulator(scheduler, new FalSimulatorOptions { Workers = 1 });
        simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) => request.Method == HttpMethod.Put ? ScriptedHandler.Stall(token) : null)
        {
            InnerHandler = simulator.CreateHandler(),
        };
        using var http = new HttpClient(handler);
        var client = new FalClient(http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = scheduler, PollInterval = Interval, DisposeTimeout = TimeSpan.FromSeconds(10),
        });
        var observer = scheduler.CreateObserver<FalStatus>();
        client.Submit(App, new { prompt = "x" }).Subscribe(observer);
        scheduler.AdvanceBy(Ticks(2));

        var disposing = client.DisposeAsync().AsTask();
        observer.Messages[^1].Value.Exception.Should().BeOfType<FalClientDisposedException>("the subscriber is told at once, not after the stalled cancel");
        scheduler.AdvanceBy(Ticks(9.9));
        disposing.IsCompleted.Should().BeFalse();
        scheduler.AdvanceBy(Ticks(0.2));

        disposing.Status.Should().Be(TaskStatus.RanToCompletion, disposing.Exception?.ToString());
        handler.Requests.Count(r => r.Method == HttpMethod.Put).Should().Be(1);
    }
}
