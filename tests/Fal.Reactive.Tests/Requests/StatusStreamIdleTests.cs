using System.Net;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>A status stream that goes silent (no event, no keep-alive) is dropped for polling after the idle timeout.</summary>
public class StatusStreamIdleTests : ReactiveTest
{
    [Fact]
    public void ASilentStatusStream_FallsBackToPolling_AfterStatusStreamIdleTimeout_OnTheScheduler() =>
        FirstPollWithStreamBody(_ => new SilentStream()).Should().Be(200 + Ticks(30), "polling starts when the silent stream's idle timeout expires");

    [Fact]
    public void AStatusStreamSilentAfterAKeepAlive_FallsBackOneIdleTimeoutAfterTheKeepAlive_NotAfterItOpened() =>
        // The first read brings a keep-alive 10 s after the stream opened; every later read is silent. The idle check
        // armed by the first read fires during the second and must wait out what is left of it.
        FirstPollWithStreamBody(scheduler => new SilentStream(scheduler, TimeSpan.FromSeconds(10)))
            .Should().Be(200 + Ticks(10) + Ticks(30), "the idle timeout counts from the last read that brought bytes");

    /// <summary>Follows a request by its status stream, served with <paramref name="body"/>; the virtual time of the first poll (the fallback).</summary>
    private static long FirstPollWithStreamBody(Func<TestScheduler, Stream> body)
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) => request.RequestUri!.AbsolutePath.EndsWith("/status/stream", StringComparison.Ordinal)
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body(fal.Scheduler)) })
            : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, StatusStreamIdleTimeout = TimeSpan.FromSeconds(30),
        });

        var observer = fal.Scheduler.Start(
            () => client.Submit(App, new { prompt = "x" }, new FalSubmitOptions { StatusMode = FalStatusMode.Streaming }), disposed: Ticks(200));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        return fal.CallsOf(FalCallKind.Status)[0].Time.Ticks;
    }
}
