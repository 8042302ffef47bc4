using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using Fal.Reactive.Bench.Load;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// One side of the side-by-side run, in its own process (so CPU, peak RSS and threads are that side's alone):
/// N concurrent requests to the emulator by the bare loop, FalClient polling, or FalClient streaming (SSE).
/// Prints one JSON line: wall, CPU, RSS, threads, HTTP calls, and when each request's completion was noticed.
/// </summary>
internal static class SideBySideWorker
{
    public static async Task<int> RunAsync(string side, Uri baseUrl, int n)
    {
        var counter = new CountingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        using var http = new HttpClient(counter) { Timeout = TimeSpan.FromMinutes(5) };
        using var client = new FalClient(http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("bench"),
            QueueUrl = baseUrl,
            RunUrl = new Uri(baseUrl, "_run/"),
            RestUrl = new Uri(baseUrl, "_rest/"),
            PollInterval = SideBySideRun.Interval,
        });
        var notices = new ConcurrentDictionary<string, double>();
        Func<int, ConcurrentDictionary<string, double>?, Task> run = side switch
        {
            "bare" => (count, seen) => Task.WhenAll(Enumerable.Range(0, count).Select(_ => BareHttpLoop.RunAsync(
                http, baseUrl, () => Task.Delay(SideBySideRun.Interval), SideBySideRun.App, SideBySideRun.InputJson, id => Notice(seen, id)))),
            "fal" or "sse" => (count, seen) => Enumerable.Range(0, count)
                .Select(_ => client.Submit(SideBySideRun.App, JsonDocument.Parse(SideBySideRun.InputJson).RootElement,
                    new FalSubmitOptions { StatusMode = side == "sse" ? FalStatusMode.Streaming : FalStatusMode.Polling })
                    .Do(s => { if (s is Completed) { Notice(seen, s.RequestId); } }))
                .Merge().LastOrDefaultAsync().ToTask(),
            _ => throw new ArgumentException("side is bare, fal or sse", nameof(side)),
        };

        await run(50, null); // warm up: JIT, connection pool
        GC.Collect();
        var before = ProcStatus.Self();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var calls = counter.Calls;
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
        await run(n, notices);
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
            ["rss_before_kb"] = before.RssKb,
            ["peak_rss_kb"] = after.PeakRssKb,
            ["threads"] = peakThreads,
            ["calls"] = counter.Calls - calls,
            ["notices"] = notices,
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }

    private static void Notice(ConcurrentDictionary<string, double>? seen, string id)
    {
        if (seen is not null)
        {
            seen[id] = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        }
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
