using System.Net;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Http;

/// <summary>Answers are read up to a bound and no further; the bodies are generated as they are read.</summary>
public class BoundedBodyTests : ReactiveTest
{
    private const long Bound = 100_000;

    private static bool IsStatus(HttpRequestMessage r) => r.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal);

    private static bool IsResult(HttpRequestMessage r) =>
        r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/requests/", StringComparison.Ordinal) && !IsStatus(r);

    private static (SimulatedFal Fal, FalClient Client, ScriptedHandler Handler) Create(
        Func<HttpRequestMessage, Task<HttpResponseMessage>?> answer, TimeSpan runTime, long maxStatusBytes = Bound, long maxResultBytes = Bound)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, runTime));
        var handler = new ScriptedHandler((request, _) => answer(request)) { InnerHandler = fal.Simulator.CreateHandler() };
        var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, MaxStatusBytes = maxStatusBytes, MaxResultBytes = maxResultBytes,
        });
        return (fal, client, handler);
    }

    private static Task<HttpResponseMessage> Answer(Stream body, long? contentLength = null)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = contentLength;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
    }

    [Fact]
    public void AnEndlessStatusAnswer_EndsTheRequestWithFalProtocolException_CancelsIt_AndIsNotReadPastTheBound()
    {
        var endless = new ServedStream("{\"status\":\"IN_QUEUE\",\"queue_position\":0,\"pad\":\"", total: null);
        var (fal, client, _) = Create(r => IsStatus(r) ? Answer(endless) : null, TimeSpan.FromSeconds(100));
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var id = fal.Simulator.Requests.Single().RequestId;
        observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>().Which.RequestId.Should().Be(id);
        endless.Served.Should().BeLessThan(Bound + (256 * 1024), "reading stops at the bound");
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.RequestId.Should().Be(id);
    }

    [Fact]
    public void AStatusAnswerAnnouncingMoreThanTheBound_IsRefusedWithoutReadingIt()
    {
        var big = new ServedStream("{\"status\":\"IN_QUEUE\",\"queue_position\":0,\"pad\":\"", total: 10 * Bound, suffix: "\"}");
        var (fal, client, _) = Create(r => IsStatus(r) ? Answer(big, 10 * Bound) : null, TimeSpan.FromSeconds(100));
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>().Which.Message.Should().Contain("MaxStatusBytes");
        big.Served.Should().Be(0);
    }

    [Fact]
    public void AResultOverMaxResultBytes_EndsTheRequestWithFalProtocolException()
    {
        var endless = new ServedStream("{\"pad\":\"", total: null);
        var (fal, client, _) = Create(r => IsResult(r) ? Answer(endless) : null, TimeSpan.FromSeconds(1));
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>().Which.RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        endless.Served.Should().BeLessThan(Bound + (256 * 1024));
    }

    [Fact]
    public void AResultUnderTheBound_WithoutContentLength_IsReadWhole()
    {
        const long size = 3 * 1024 * 1024 + 17;
        var body = new ServedStream("{\"pad\":\"", total: size, suffix: "\"}");
        var (fal, client, _) = Create(r => IsResult(r) ? Answer(body) : null, TimeSpan.FromSeconds(1), maxResultBytes: 4 * 1024 * 1024);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var completed = observer.Messages[^2].Value.Value.Should().BeOfType<Completed>().Subject;
        completed.Result!.Value.GetProperty("pad").GetString()!.Length.Should().Be((int)size - 10);
        body.Served.Should().Be(size);
    }

    [Fact]
    public void AnErrorAnswerOverTheBound_IsTruncated_NotBufferedWhole()
    {
        var endless = new ServedStream("{\"detail\":\"", total: null);
        var (fal, client, _) = Create(
            r => r.Method == HttpMethod.Post ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StreamContent(endless) }) : null,
            TimeSpan.FromSeconds(1));
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(400);
        endless.Served.Should().BeLessThan(Bound + (256 * 1024));
    }
}
