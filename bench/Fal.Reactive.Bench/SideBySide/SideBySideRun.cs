using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Bench.Load;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// <c>sidebyside N</c>: the emulator in a child process, then each side in its own child process, one after the
/// other: the bare HttpClient loop, FalClient polling, FalClient with the SSE status stream, FalClient with a webhook,
/// and @fal-ai/client (node). Each side's completion notices (and, for the pushes, the arrival of the push itself) are
/// matched with the emulator's completed_at (same machine clock). Then the
/// emulator's ceiling: a tight loop of submit + status calls for 10 s.
/// </summary>
internal static class SideBySideRun
{
    public const string App = "emulator/slow";
    public const string InputJson = """{"run_seconds":0.3}""";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_sideTimeout = TimeSpan.FromMinutes(4);
    private static readonly string[] s_dotnetSides = ["bare", "fal", "sse", "webhook"];

    public static async Task<int> RunAsync(int n, IReadOnlyCollection<string> only)
    {
        bool Runs(string side) => only.Count == 0 || only.Contains(side);
        using var emulator = await EmulatorProcess.StartAsync("--workers", "1000000", "--max-requests", "200000", "--max-calls", "1000");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{n} concurrent requests, {App} {InputJson}, poll interval {Interval.TotalMilliseconds} ms, each side in its own process:"));
        Console.WriteLine("  side                 wall s   CPU s  peak RSS  KB/in-flight  calls/req  threads  notice p50   p99 ms   push p50   p99 ms");
        // The JS side last: past a few thousand requests it may exhaust the open-file limit (one socket per request)
        // and take the emulator down with it, so it must not spoil the other sides or the ceiling.
        // fal-merge (FalClient polling gathered with one Merge) only when named.
        foreach (var side in s_dotnetSides.Where(Runs).Concat(only.Contains("fal-merge") ? ["fal-merge"] : []))
        {
            await SideAsync(side, emulator.BaseUrl, n);
        }

        if (Runs("ceiling"))
        {
            var ceiling = await CeilingAsync(emulator.BaseUrl);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  emulator ceiling: {ceiling:0} HTTP calls/s (64 loops of submit + status, 10 s, in this process)"));
        }

        var e = emulator.Status();
        Console.WriteLine($"  emulator after the .NET sides: RSS {ProcStatus.Mb(e.RssKb)}, peak {ProcStatus.Mb(e.PeakRssKb)}, {e.Threads} threads");
        if (Runs("js"))
        {
            await SideAsync("js", emulator.BaseUrl, n);
        }
        return 0;
    }

    private static async Task SideAsync(string side, Uri baseUrl, int n)
    {
        JsonDocument? line;
        try
        {
            line = await RunSideAsync(side, baseUrl, n);
        }
        catch (InvalidOperationException failed)
        {
            Console.WriteLine("  " + side + " failed: " + failed.Message);
            return;
        }

        if (line is null)
        {
            Console.WriteLine("  " + side + " did not finish within " + s_sideTimeout.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min (killed)");
            return;
        }

        using (line)
        {
            await ReportAsync(line.RootElement, baseUrl, n);
        }
    }

    private static async Task<JsonDocument?> RunSideAsync(string side, Uri baseUrl, int n)
    {
        var origin = baseUrl.GetLeftPart(UriPartial.Authority);
        var n_ = n.ToString(CultureInfo.InvariantCulture);
        var start = side == "js"
            // Node's fetch opens one socket per concurrent request (no pool bound): raise the open-file limit if allowed.
            ? new ProcessStartInfo("sh", ["-c", "ulimit -n 200000 2>/dev/null; exec node \"$@\"", "sh", "--max-old-space-size=8192", Path.Combine(Root(), "bench", "sidebyside-js.cjs"), origin, n_, Interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)])
            : new ProcessStartInfo("dotnet", [typeof(SideBySideRun).Assembly.Location, "sidebyside-worker", side, baseUrl.AbsoluteUri, n_]);
        return await ChildSide.RunAsync(side, start, s_sideTimeout);
    }

    private static async Task ReportAsync(JsonElement r, Uri baseUrl, int n)
    {
        // The emulator's own record of when each request completed, by id.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "_emulator/requests"));
        request.Headers.TryAddWithoutValidation("Authorization", "Key bench");
        using var response = await http.SendAsync(request);
        using var requests = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var completedAt = new Dictionary<string, double>();
        foreach (var e in requests.RootElement.EnumerateArray())
        {
            if (e.TryGetProperty("completed_at", out var at))
            {
                completedAt[e.GetProperty("request_id").GetString()!] = (DateTime.Parse(at.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - DateTime.UnixEpoch).TotalMilliseconds;
            }
        }

        var delays = Delays(r.GetProperty("notices"), completedAt);
        var pushes = r.TryGetProperty("events", out var events) ? Delays(events, completedAt) : [];
        var peak = r.GetProperty("peak_rss_kb").GetDouble();
        var before = r.GetProperty("rss_before_kb").GetDouble();
        var name = r.GetProperty("side").GetString() switch
        {
            "bare" => "bare HttpClient loop",
            "fal" => "FalClient polling",
            "fal-merge" => "FalClient poll, Merge",
            "sse" => "FalClient SSE stream",
            "webhook" => "FalClient webhook",
            _ => "@fal-ai/client",
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-20} {r.GetProperty("wall_s").GetDouble(),6:0.00} {r.GetProperty("cpu_s").GetDouble(),7:0.00} {peak / 1024,6:0} MB {(peak - before) / n,10:0.0} {r.GetProperty("calls").GetDouble() / n,10:0.00} {r.GetProperty("threads").GetInt32(),8} {P(delays, 0.5),11:0.0} {P(delays, 0.99),6:0.0} {P(pushes, 0.5),10:0.0} {P(pushes, 0.99),6:0.0}  ({delays.Count}/{n} matched){Gc(r, n)}"));
    }

    /// <summary>The .NET sides' allocation per request and garbage collections (gen0/1/2, total pause) during the run.</summary>
    private static string Gc(JsonElement r, int n) =>
        r.TryGetProperty("allocated_kb", out var kb)
            ? string.Create(CultureInfo.InvariantCulture, $"  alloc {kb.GetDouble() / n:0.0} KB/req, GCs {r.GetProperty("gcs").GetString()}, pause {r.GetProperty("gc_pause_ms").GetDouble():0} ms")
            : string.Empty;

    /// <summary>Each matched request's delay from the emulator's completed_at to the time in <paramref name="times"/>, sorted.</summary>
    private static List<double> Delays(JsonElement times, Dictionary<string, double> completedAt)
    {
        var delays = new List<double>();
        foreach (var time in times.EnumerateObject())
        {
            if (completedAt.TryGetValue(time.Name, out var done))
            {
                delays.Add(time.Value.GetDouble() - done);
            }
        }

        delays.Sort();
        return delays;
    }

    private static double P(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

    private static async Task<double> CeilingAsync(Uri baseUrl)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        long calls = 0;
        var until = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, 64).Select(async _ =>
        {
            while (until.Elapsed < TimeSpan.FromSeconds(10))
            {
                using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "emulator/echo")) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
                submit.Headers.TryAddWithoutValidation("Authorization", "Key bench");
                using var submitted = await http.SendAsync(submit);
                using var answer = JsonDocument.Parse(await submitted.Content.ReadAsByteArrayAsync());
                using var poll = new HttpRequestMessage(HttpMethod.Get, answer.RootElement.GetProperty("status_url").GetString());
                poll.Headers.TryAddWithoutValidation("Authorization", "Key bench");
                using var polled = await http.SendAsync(poll);
                await polled.Content.ReadAsByteArrayAsync();
                Interlocked.Add(ref calls, 2);
            }
        });
        await Task.WhenAll(loops);
        return calls / until.Elapsed.TotalSeconds;
    }

    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Fal.Reactive.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from within the repository.");
        }

        return root;
    }
}
