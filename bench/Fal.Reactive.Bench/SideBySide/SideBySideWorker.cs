using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using Fal.Reactive.Bench.Load;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// One side of the side-by-side run, in its own process (so CPU, peak RSS and threads are that side's alone):
/// N concurrent requests to the emulator by the bare loop, FalClient polling, FalClient streaming (SSE), or FalClient
/// with a webhook (received by Kestrel in this process). Prints one JSON line: wall, CPU, RSS, threads, HTTP calls
/// (made, and for webhooks received), and when each request's completion was pushed and noticed.
/// </summary>
internal static class SideBySideWorker
{
    public static async Task<int> RunAsync(string side, Uri baseUrl, int n)
    {
        var clock = new NoticeClock();
        var counter = new CountingHandler(new StreamEventTap(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }, clock));
        using var http = new HttpClient(counter) { Timeout = TimeSpan.FromMinutes(5) };
        using var client = new FalClient(http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("bench"),
            QueueUrl = baseUrl,
            RunUrl = new Uri(baseUrl, "_run/"),
            RestUrl = new Uri(baseUrl, "_rest/"),
            PollInterval = SideBySideRun.Interval,
        });

        var input = JsonDocument.Parse(SideBySideRun.InputJson).RootElement;
        // The webhook side receives in this process: its Kestrel, verifier and hub count as the client's cost.
        await using var receiver = side == "webhook" ? await WebhookReceiver.StartAsync(client, clock) : null;
        Func<int, Task> run = side switch
        {
            "bare" => count => Task.WhenAll(Enumerable.Range(0, count).Select(_ => BareHttpLoop.RunAsync(
                http, baseUrl, () => Task.Delay(SideBySideRun.Interval), SideBySideRun.App, SideBySideRun.InputJson, clock.Notice))),
            // Each request awaited as the bare loop's are (Task.WhenAll), its input parsed once as the bare loop's string is.
            "fal" or "sse" => count => Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.Submit(SideBySideRun.App, input,
                    new FalSubmitOptions { StatusMode = side == "sse" ? FalStatusMode.Streaming : FalStatusMode.Polling })
                    .Do(s => { if (s is Completed) { clock.Notice(s.RequestId); } })
                    .LastAsync().ToTask())),
            // As a reactive program gathers a batch: one Merge of N observables (the operator's cost counts here).
            "fal-merge" => count => Enumerable.Range(0, count)
                .Select(_ => client.Submit(SideBySideRun.App, input)
                    .Do(s => { if (s is Completed) { clock.Notice(s.RequestId); } }))
                .Merge().LastOrDefaultAsync().ToTask(),
            "webhook" => count => Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                // Submit (one call), then the webhook fal POSTs, verified: its payload is the result, no GET.
                var handle = await client.SubmitAsync(SideBySideRun.App, input,
                    new FalEnqueueOptions { WebhookUrl = receiver!.Url });
                var webhook = await receiver.Hub.WhenCompleted(handle.RequestId);
                webhook.GetPayloadOrThrow();
                clock.Notice(webhook.RequestId);
            })),
            _ => throw new ArgumentException("side is bare, fal, fal-merge, sse or webhook", nameof(side)),
        };

        await run(50); // warm up: JIT, connection pool (and the webhook side's key set fetch)
        clock.On = true;
        GC.Collect();
        var before = ProcStatus.Self();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var calls = counter.Calls + (receiver?.Deliveries ?? 0);
        var peakThreads = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, ProcStatus.Self().Threads);
                await Task.Delay(100).ConfigureAwait(false);
            }
        });
        var wall = Stopwatch.StartNew();
        await run(n);
        wall.Stop();
        await sampling.CancelAsync();
        await sampler;
        process.Refresh();
        var after = ProcStatus.Self();
        var line = new Dictionary<string, object>
        {
            ["side"] = side,
            ["wall_s"] = wall.Elapsed.TotalSeconds,
            ["cpu_s"] = (process.TotalProcessorTime - cpu).TotalSeconds,
            ["allocated_kb"] = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0,
            ["gc_pause_ms"] = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds,
            ["gcs"] = $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}",
            ["rss_before_kb"] = before.RssKb,
            ["peak_rss_kb"] = after.PeakRssKb,
            ["threads"] = peakThreads,
            ["calls"] = counter.Calls + (receiver?.Deliveries ?? 0) - calls,
            ["notices"] = clock.Notices,
            ["events"] = clock.Events,
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
