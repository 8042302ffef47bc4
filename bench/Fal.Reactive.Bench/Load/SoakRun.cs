using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Fal.Reactive.Bench.Load;

/// <summary>
/// N requests, C in flight at a time (Merge(C) over FalClient.Submit), against the emulator in a child process. Every
/// N/10 requests it samples the client (RSS, GC heap after a full collection, threads) and the emulator (RSS from
/// /proc/&lt;pid&gt;/status, requests held per /_emulator/health): both should stay flat. With <c>--no-retention</c> the emulator keeps
/// everything, for comparison. Bounded: gives up after 10 min.
/// </summary>
internal static class SoakRun
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(int n, int concurrency, bool retention)
    {
        string[] flags = retention
            ? ["--workers", (concurrency + 1).ToString(CultureInfo.InvariantCulture)]
            : ["--workers", (concurrency + 1).ToString(CultureInfo.InvariantCulture), "--max-requests", "2000000000", "--max-calls", "2000000000", "--retention-minutes", "100000"];
        using var emulator = await EmulatorProcess.StartAsync(flags);
        var (http, client) = LoadClient.Create(emulator.BaseUrl, s_interval);
        using (http)
        using (client)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: {n} requests to {LoadClient.App}, {concurrency} in flight, poll {s_interval.TotalMilliseconds} ms, emulator retention {(retention ? "default" : "off")}"));
            Console.WriteLine("  requests |  wall s | client RSS | client heap | threads | emulator RSS | held by emulator | failed");
            var step = Math.Max(1, n / 10);
            var completed = 0;
            var failed = 0;
            var wall = Stopwatch.StartNew();
            using var limit = new CancellationTokenSource(s_limit);
            var run = Enumerable.Range(0, n)
                .Select(i => LoadClient.Outcome(client, i))
                .Merge(concurrency)
                .Do(outcome =>
                {
                    Interlocked.Increment(ref completed);
                    if (outcome != "completed")
                    {
                        Interlocked.Increment(ref failed);
                    }
                })
                .LastOrDefaultAsync()
                .ToTask(limit.Token);

            // Sampled beside the run, not inside it: a sample must not hold up the requests it measures.
            for (var next = 0; ; next += step)
            {
                while (Volatile.Read(ref completed) < next && !run.IsCompleted)
                {
                    await Task.Delay(20);
                }

                if (Volatile.Read(ref completed) < next)
                {
                    break;
                }

                await SampleAsync(next, wall, emulator, Volatile.Read(ref failed));
                if (next >= n)
                {
                    break;
                }
            }

            await run;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {completed} finished, {failed} failed, {n / wall.Elapsed.TotalSeconds:0} requests/s"));
            return failed == 0 && completed == n ? 0 : 1;
        }
    }

    private static async Task SampleAsync(int completed, Stopwatch wall, EmulatorProcess emulator, int failed)
    {
        var elapsed = wall.Elapsed;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var self = ProcStatus.Self();
        var server = emulator.Status();
        var held = await HeldRequestsAsync(emulator.BaseUrl);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {completed,8} | {elapsed.TotalSeconds,7:0.0} | {ProcStatus.Mb(self.RssKb),10} | {heap / 1048576.0,8:0.0} MB | {self.Threads,7} | {ProcStatus.Mb(server.RssKb),12} | {held,16} | {failed,6}"));
    }

    /// <summary>How many requests the emulator holds, from <c>/_emulator/health</c> (small, unlike the request list).</summary>
    private static async Task<int> HeldRequestsAsync(Uri baseUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var health = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUrl, "_emulator/health")));
        return health.RootElement.GetProperty("held").GetProperty("requests").GetInt32();
    }
}
