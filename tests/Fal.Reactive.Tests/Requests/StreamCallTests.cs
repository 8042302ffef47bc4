using System.Net;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Streaming runs (<c>POST {run}/{app}/stream</c>): request ids, the idle limit in virtual time, early ends.</summary>
public class StreamCallTests : ReactiveTest
{
    private static SimulatedFal CreateStreamingApp(TimeSpan runTime, params (double Seconds, string Text)[] partials)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { output = "done", partial = false }, runTime)
            .WithStreamEvents([.. partials.Select(p => (TimeSpan.FromSeconds(p.Seconds), (object?)new { output = p.Text, partial = true }))]));
        return fal;
    }

    [Fact]
    public void Stream_EachEventCarriesTheRequestId_ThenCompletes()
    {
        using var fal = CreateStreamingApp(TimeSpan.FromSeconds(3), (1, "a"), (2, "ab"));

        var observer = fal.Scheduler.Start(() => fal.Client.Stream(App, new { prompt = "x" }), disposed: Ticks(100));

        var id = fal.Simulator.Requests.Single().RequestId;
        var events = observer.Messages.Where(m => m.Value.Kind == NotificationKind.OnNext).Select(m => m.Value.Value).ToList();
        events.Select(e => e.Data.GetProperty("output").GetString()).Should().Equal("a", "ab", "done");
        events.Should().OnlyContain(e => e.RequestId == id);
        events.Select(e => e.IsPartial).Should().Equal(true, true, false);
        observer.Messages[^1].Value.Kind.Should().Be(NotificationKind.OnCompleted);
    }

    [Fact]
    public async Task StreamAsync_YieldsTheEvents_AsAnAsyncEnumerable()
    {
        using var fal = CreateStreamingApp(TimeSpan.FromSeconds(3), (1, "a"));

        var collected = Collect(fal.Client.StreamAsync(App, new { prompt = "x" }));
        fal.Scheduler.AdvanceBy(Ticks(3));
        var events = await collected;

        events.Select(e => e.Data.GetProperty("output").GetString()).Should().Equal("a", "done");
        events[0].RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
    }

    [Fact]
    public async Task IdleTimeout_NoEventForThatLong_FailsWithTheRequestId_AndClosesTheRun()
    {
        using var fal = CreateStreamingApp(TimeSpan.FromSeconds(100), (1, "a"));
        var options = new FalStreamOptions { IdleTimeout = TimeSpan.FromSeconds(10) };
        var events = new List<FalStreamEvent>();

        var run = fal.Client.Stream(App, null, options).Do(events.Add).ToTask();
        // The one event at 1 s; then nothing: the limit runs out 10 s after it, not 10 s after the start.
        fal.Scheduler.AdvanceBy(Ticks(10.9));
        events.Should().ContainSingle();
        run.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(Ticks(0.2));

        var request = fal.Simulator.Requests.Single();
        var timeout = (await run.Awaiting(r => r).Should().ThrowAsync<FalTimeoutException>()).Which;
        timeout.RequestId.Should().Be(request.RequestId);
        timeout.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        timeout.Message.Should().Contain("no event for");
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task Timeout_WholeStreamLongerThanIt_FailsWithTheRequestId_EvenWhileEventsKeepComing()
    {
        using var fal = CreateStreamingApp(TimeSpan.FromSeconds(30), [.. Enumerable.Range(1, 29).Select(i => ((double)i, $"{i}"))]);
        var options = new FalStreamOptions { Timeout = TimeSpan.FromSeconds(5) };

        var run = fal.Client.Stream(App, null, options).ToList().ToTask();
        fal.Scheduler.AdvanceBy(Ticks(4.9));
        run.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(Ticks(0.2));

        var timeout = (await run.Awaiting(r => r).Should().ThrowAsync<FalTimeoutException>()).Which;
        timeout.RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        timeout.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        timeout.Message.Should().Contain("did not finish within");
    }

    [Fact]
    public void IdleTimeout_EventsKeepComing_NeverFires()
    {
        using var fal = CreateStreamingApp(TimeSpan.FromSeconds(30), [.. Enumerable.Range(1, 29).Select(i => ((double)i, $"{i}"))]);
        var options = new FalStreamOptions { IdleTimeout = TimeSpan.FromSeconds(2) };

        var observer = fal.Scheduler.Start(() => fal.Client.Stream(App, null, options), disposed: Ticks(200));

        observer.Messages[^1].Value.Kind.Should().Be(NotificationKind.OnCompleted);
        observer.Messages.Should().HaveCount(31);
    }

    [Fact]
    public async Task StreamClosedAfterAPartialEvent_IsFalStreamEndedException()
    {
        var error = await StreamOver(Sse("""{"output":"a","partial":true}"""));

        error.EventCount.Should().Be(1);
        error.RequestId.Should().Be("req-stub");
        error.Message.Should().Contain("final output never came");
    }

    [Fact]
    public async Task StreamClosedBeforeAnyEvent_IsFalStreamEndedException()
    {
        var error = await StreamOver(": keep-alive\n\n");

        error.EventCount.Should().Be(0);
        error.Message.Should().Contain("before sending any event");
    }

    [Fact]
    public async Task StreamThatBreaks_IsFalStreamEndedException_WithTheIoError()
    {
        var error = await StreamOver(Sse("""{"output":"a","partial":true}"""), breakAfter: true);

        error.EventCount.Should().Be(1);
        error.InnerException.Should().BeOfType<IOException>();
    }

    [Fact]
    public async Task StreamWithAFinalEvent_CompletesNormally()
    {
        using var fal = StubClient(Sse("""{"output":"a","partial":true}""") + Sse("""{"output":"ab"}"""), breakAfter: false);

        var events = await Collect(fal.StreamAsync(App, null));

        events.Should().HaveCount(2);
        events[^1].IsPartial.Should().BeFalse();
    }

    private static string Sse(string json) => $"data: {json}\n\n";

    private static async Task<FalStreamEndedException> StreamOver(string body, bool breakAfter = false)
    {
        using var fal = StubClient(body, breakAfter);
        var act = () => Collect(fal.StreamAsync(App, null));
        return (await act.Should().ThrowAsync<FalStreamEndedException>()).Which;
    }

    private static FalClient StubClient(string body, bool breakAfter) =>
        new(new HttpClient(new SseHandler(body, breakAfter)), new FalClientOptions { Credentials = FalCredentials.FromKey(Key) }, disposeHttpClient: true);

    private static async Task<List<FalStreamEvent>> Collect(IAsyncEnumerable<FalStreamEvent> events)
    {
        var list = new List<FalStreamEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }

    /// <summary>Answers with a fixed event-stream body, optionally failing the read after it as a dropped connection does.</summary>
    private sealed class SseHandler(string body, bool breakAfter) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            Stream content = breakAfter ? new BreakingStream(bytes) : new MemoryStream(bytes);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(content) };
            response.Content.Headers.ContentType = new("text/event-stream");
            response.Headers.Add("x-fal-request-id", "req-stub");
            return Task.FromResult(response);
        }
    }

    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("connection reset");

        public override int Read(byte[] buffer, int offset, int count) =>
            Position < Length ? base.Read(buffer, offset, count) : throw new IOException("connection reset");
    }
}
