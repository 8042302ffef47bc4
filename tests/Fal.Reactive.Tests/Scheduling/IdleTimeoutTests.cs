using System.Net;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Scheduling;

/// <summary>
/// One idle timeout for both server-sent streams: the status stream and a streaming run each end with
/// <see cref="FalTimeoutException"/> (its limit and the request id) when silent past their limit, on the
/// scheduler; they differ only in what ends a wait (any bytes for the status stream, an event for a run).
/// </summary>
public class IdleTimeoutTests
{
    private const string RequestId = "req-idle";
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASilentStatusStream_EndsWithFalTimeoutException_AtItsLimit()
    {
        var scheduler = new TestScheduler();
        using var http = new HttpClient(new ScriptedHandler((_, _) => Task.FromResult(SilentAnswer(scheduler, keepAliveAfter: null))));
        var context = new FalClientContext(http, new FalClientOptions { Scheduler = scheduler, StatusStreamIdleTimeout = s_limit }, FalCredentials.FromKey(Key));
        var urls = FalRequestUrls.Compute(context.Options.QueueUrl, FalAppId.Parse(App), RequestId);

        var read = Drain(context.Queue.ReadStatusStreamAsync(urls, RequestId, withLogs: false, scheduler, telemetry: null, CancellationToken.None));

        var error = await TimesOutAt(scheduler, read, s_limit);
        error.Message.Should().Contain("not even a keep-alive");
    }

    [Fact]
    public async Task ASilentStreamingRun_EndsWithFalTimeoutException_AtItsLimit_KeepAlivesNotCounting()
    {
        var scheduler = new TestScheduler();
        // A keep-alive 10 s in: for a run it is not an event, so the limit still counts from the start.
        using var client = new FalClient(
            new HttpClient(new ScriptedHandler((_, _) => Task.FromResult(SilentAnswer(scheduler, keepAliveAfter: TimeSpan.FromSeconds(10))))),
            new FalClientOptions { Scheduler = scheduler, Credentials = FalCredentials.FromKey(Key) },
            disposeHttpClient: true);

        var read = Drain(client.StreamAsync(App, (FalInput?)null, new FalStreamOptions { IdleTimeout = s_limit }));

        var error = await TimesOutAt(scheduler, read, s_limit);
        error.Message.Should().Contain("no event for");
    }

    /// <summary>Runs virtual time to just before <paramref name="limit"/> (still reading), then to it: the error it ended with.</summary>
    private static async Task<FalTimeoutException> TimesOutAt(TestScheduler scheduler, Task read, TimeSpan limit)
    {
        scheduler.AdvanceBy(limit.Ticks - 1);
        read.IsCompleted.Should().BeFalse("the stream is silent for less than its limit");
        scheduler.AdvanceBy(1);
        read.IsCompleted.Should().BeTrue("the limit ran out at this tick");
        var error = (await read.Awaiting(r => r).Should().ThrowAsync<FalTimeoutException>()).Which;
        error.Timeout.Should().Be(limit);
        error.RequestId.Should().Be(RequestId);
        return error;
    }

    private static HttpResponseMessage SilentAnswer(TestScheduler scheduler, TimeSpan? keepAliveAfter)
    {
        var body = keepAliveAfter is { } after ? new SilentStream(scheduler, after) : new SilentStream();
        var answer = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        answer.Headers.TryAddWithoutValidation("x-fal-request-id", RequestId);
        return answer;
    }

    private static async Task Drain<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items.ConfigureAwait(false))
        {
        }
    }
}
