using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Http;

/// <summary>A submit is retried only when the answer proves nothing was enqueued; POSTs are counted.</summary>
public class SubmitRetryTests : ReactiveTest
{
    private static SimulatedFal Fal(Func<FalAppScript, FalAppScript> faults)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, faults(FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))));
        return fal;
    }

    private static (FalClient Client, ScriptedHandler Handler) ClientWith(SimulatedFal fal, Func<HttpRequestMessage, int, Task<HttpResponseMessage>?> answer)
    {
        var posts = 0;
        var handler = new ScriptedHandler((request, _) => request.Method == HttpMethod.Post ? answer(request, ++posts) : null) { InnerHandler = fal.Simulator.CreateHandler() };
        var client = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval });
        return (client, handler);
    }

    private static ITestableObserver<FalStatus> Run(SimulatedFal fal, FalClient? client = null) =>
        fal.Scheduler.Start(() => (client ?? fal.Client).Submit(App, new { prompt = "x" }), disposed: Ticks(60));

    [Theory]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void SubmitAnsweredARetryCodeOrIngressError_IsRetried_AsFalClient_AndOneRequestIsEnqueued(int statusCode)
    {
        using var fal = Fal(s => s.WithFailures(FalCallKind.Submit, count: 2, statusCode));

        var observer = Run(fal);

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(3);
        fal.Simulator.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(500)]
    public void SubmitAnsweredAmbiguously_IsNotRetried(int statusCode)
    {
        using var fal = Fal(s => s.WithFailures(FalCallKind.Submit, count: 1, statusCode));

        var observer = Run(fal);

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(statusCode);
        fal.CallsOf(FalCallKind.Submit).Should().ContainSingle();
    }

    [Fact]
    public void Submit503CarryingARequestId_IsNotRetried_ForFalMayHaveEnqueuedIt()
    {
        using var fal = Fal(s => s);
        var (client, handler) = ClientWith(fal, (_, n) => n == 1
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { { "x-fal-request-id", "764cabcf-b745-4b3e-ae38-1200304cf45b" } } })
            : null);
        using var _ = client;

        var observer = Run(fal, client);

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(503);
        handler.Requests.Count(r => r.Method == HttpMethod.Post).Should().Be(1);
    }

    [Fact]
    public void SubmitWhoseConnectionDropsAfterSending_IsNotRetried()
    {
        using var fal = Fal(s => s.WithDroppedConnections(FalCallKind.Submit, count: 1));

        var observer = Run(fal);

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalException>();
        fal.CallsOf(FalCallKind.Submit).Should().ContainSingle();
    }

    [Fact]
    public void SubmitThatTimesOut_IsNotRetried()
    {
        using var fal = Fal(s => s);
        var (client, handler) = ClientWith(fal, (_, _) => Task.FromException<HttpResponseMessage>(new TaskCanceledException("HttpClient.Timeout")));
        using var _ = client;

        var observer = Run(fal, client);

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalException>();
        handler.Requests.Count(r => r.Method == HttpMethod.Post).Should().Be(1);
        fal.Simulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public void SubmitWhoseConnectionIsRefused_IsRetried_AndOneRequestIsEnqueued()
    {
        using var fal = Fal(s => s);
        var (client, handler) = ClientWith(fal, (_, n) => n <= 2
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)))
            : null);
        using var _ = client;

        var observer = Run(fal, client);

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        handler.Requests.Count(r => r.Method == HttpMethod.Post).Should().Be(3);
        fal.Simulator.Requests.Should().ContainSingle();
    }

    [Fact]
    public void Submit429WithRetryAfter_WaitsAtLeastThatLong()
    {
        using var fal = Fal(s => s.WithFailures(FalCallKind.Submit, count: 1, statusCode: 429, retryAfter: TimeSpan.FromSeconds(3)));

        Run(fal);

        var submits = fal.CallsOf(FalCallKind.Submit);
        submits.Should().HaveCount(2);
        (submits[1].Time - submits[0].Time).Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task RunAnswered429_IsRetried_OnceEnqueued()
    {
        using var fal = Fal(s => s.WithFailures(FalCallKind.Run, count: 1, statusCode: 429));

        var run = fal.Client.RunAsync(App, new { prompt = "x" });
        fal.Scheduler.AdvanceBy(Ticks(10));

        (await run).Result.GetProperty("ok").GetBoolean().Should().BeTrue();
        fal.CallsOf(FalCallKind.Run).Should().HaveCount(2);
    }
}
