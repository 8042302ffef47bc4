using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Bench.Load;

namespace Fal.Reactive.Bench.Journal;

/// <summary>
/// <c>journal N [side…]</c>: the journal's cost per request. The emulator in a child process, then the same batch of N
/// requests through the client, each side in its own child process: no journal, the SQLite journal (a temp file, WAL,
/// synchronous=FULL as shipped), the PostgreSQL journal on a throwaway local server with fsync on (as a real server runs)
/// and with fsync off (as the tests' server runs: the difference is what the server's flushes cost).
/// </summary>
internal static class JournalRun
{
    public const string App = "emulator/slow";
    public const string InputJson = """{"run_seconds":0.1}""";
    public const int Concurrency = 256;
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_sideTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] s_sides = ["none", "sqlite", "postgres", "postgres-nofsync"];

    public static async Task<int> RunAsync(int n, IReadOnlyCollection<string> only)
    {
        var sides = s_sides.Where(s => only.Count == 0 || only.Contains(s)).ToList();
        using var emulator = await EmulatorProcess.StartAsync("--workers", "1000000", "--max-requests", "200000", "--max-calls", "1000");
        await using var server = sides.Any(s => s.StartsWith("postgres", StringComparison.Ordinal)) ? await PostgresProcess.StartAsync() : null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"A batch of {n} requests, {App} {InputJson}, poll interval {Interval.TotalMilliseconds} ms, {Concurrency} at a time, each side in its own process; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine("  side                  wall s   CPU s  server CPU s  peak RSS  writes/req  reads/req  extra wall µs/req  extra CPU µs/req  wall ×  CPU ×  RSS ×");
        JsonElement? none = null;
        foreach (var side in sides)
        {
            if (server is not null && side.StartsWith("postgres", StringComparison.Ordinal))
            {
                await server.SetFsyncAsync(side == "postgres");
            }

            var serverCpu = server?.CpuSeconds() ?? 0;
            using var line = await RunSideAsync(side, emulator.BaseUrl, n, server?.ConnectionString);
            if (line is null)
            {
                Console.WriteLine($"  {side} did not finish within {s_sideTimeout.TotalMinutes} min (killed)");
                continue;
            }

            var r = line.RootElement.Clone();
            none ??= side == "none" ? r : null;
            Report(r, n, none, side.StartsWith("postgres", StringComparison.Ordinal) ? server!.CpuSeconds() - serverCpu : null);
        }

        Console.WriteLine($"  load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static void Report(JsonElement r, int n, JsonElement? none, double? serverCpu)
    {
        double Get(JsonElement e, string name) => e.GetProperty(name).GetDouble();
        var (wall, cpu, peak) = (Get(r, "wall_s"), Get(r, "cpu_s"), Get(r, "peak_rss_kb"));
        var name = r.GetProperty("side").GetString() switch
        {
            "none" => "no journal",
            "sqlite" => "SQLite (WAL, FULL)",
            "postgres" => "PostgreSQL, fsync on",
            _ => "PostgreSQL, fsync off",
        };
        var vs = none is { } b && r.GetProperty("side").GetString() != "none"
            ? string.Create(CultureInfo.InvariantCulture,
                $"{(wall - Get(b, "wall_s")) * 1e6 / n,17:0} {(cpu - Get(b, "cpu_s")) * 1e6 / n,17:0} {wall / Get(b, "wall_s"),7:0.00} {cpu / Get(b, "cpu_s"),6:0.00} {peak / Get(b, "peak_rss_kb"),6:0.00}")
            : $"{"–",17} {"–",17} {"1.00",7} {"1.00",6} {"1.00",6}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-21} {wall,6:0.00} {cpu,7:0.00} {(serverCpu is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "–"),13} {peak / 1024,6:0} MB {Get(r, "writes") / n,11:0.00} {Get(r, "reads") / n,10:0.00} {vs}"));
    }

    private static async Task<JsonDocument?> RunSideAsync(string side, Uri baseUrl, int n, string? connectionString)
    {
        string[] args = [typeof(JournalRun).Assembly.Location, "journal-worker", side, baseUrl.AbsoluteUri, n.ToString(CultureInfo.InvariantCulture), .. connectionString is null ? [] : (string[])[connectionString]];
        return await ChildSide.RunAsync(side, new ProcessStartInfo("dotnet", args), s_sideTimeout);
    }
}
