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
    public void AStatusStreamSendingOnlyKeepAlives_FallsBackToPolling_OneIdleTimeoutAfterItOpened() =>
        // A keep-alive every 10 s, forever, and no status: keep-alives prove the connection alive, not the request
        // followed, so they must not put off the fallback (a stuck stream would hide completion for good).
        FirstPollWithStreamBody(scheduler => new SilentStream(scheduler, TimeSpan.FromSeconds(10), keepAliveForever: true))
            .Should().Be(200 + Ticks(30), "only a status event ends the wait for one");

    [Fact]
    public void AStatusStreamWhoseHeadersNeverArrive_FallsBackToPolling_AfterStatusStreamIdleTimeout() =>
        FirstPollWithStreamAnswer(static (_, token) => ScriptedHandler.Stall(token))
            .Should().Be(200 + Ticks(30), "the wait for the stream's headers is bounded as the wait for its first status");

    /// <summary>Follows a request by its status stream, served with <paramref name="body"/>; the virtual time of the first poll (the fallback).</summary>
    private static long FirstPollWithStreamBody(Func<TestScheduler, Stream> body) =>
        FirstPollWithStreamAnswer((scheduler, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body(scheduler)) }));

    /// <summary>Follows a request by its status stream, answered by <paramref name="answer"/>; the virtual time of the first poll (the fallback).</summary>
    private static long FirstPollWithStreamAnswer(Func<TestScheduler, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) => request.RequestUri!.AbsolutePath.EndsWith("/status/stream", StringComparison.Ordinal)
            ? answer(fal.Scheduler, token)
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
