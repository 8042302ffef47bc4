using System.Globalization;
using BenchmarkDotNet.Running;
using Fal.Reactive.Bench;
using Fal.Reactive.Bench.InFlight;
using Fal.Reactive.Bench.Journal;
using Fal.Reactive.Bench.Load;
using Fal.Reactive.Bench.SideBySide;

// dotnet run -c Release --project bench/Fal.Reactive.Bench                          -> BenchmarkDotNet (per-request cost)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- load [N]             -> side-by-side load run over real HTTP
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- concurrent [N] [S]   -> N observables at once, each running S s (10,000, 2)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- soak [N] [C] [--no-retention] -> N requests, C at a time (100,000, 1,000)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- inflight [N] [rounds] [--only sim,bare,submit,events] [--pause S] [--interval S] -> N in flight in virtual time (100,000, 5)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- sidebyside [N] [side…] -> bare loop, FalClient (poll, SSE, webhook), @fal-ai/client: N requests each
//                                                                                     (sides: bare fal sse webhook js ceiling; default all)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- journal [N] [side…]    -> a batch of N requests with no journal, SQLite, PostgreSQL (fsync on, off): the journal's cost
//                                                                                     (sides: none sqlite postgres postgres-nofsync; default all)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- realtime             -> realtime round trips and throughput vs @fal-ai/client
static int Number(string[] args, int index, int fallback) =>
    args.Length > index && !args[index].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static string? Option(string[] args, string name) =>
    Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

switch (args)
{
    case ["load", ..]:
        return await LoadRun.RunAsync(Number(args, 1, 1000));
    case ["concurrent", ..]:
        return await ConcurrentRun.RunAsync(Number(args, 1, 10_000), Number(args, 2, 2));
    case ["soak", ..]:
        return await SoakRun.RunAsync(Number(args, 1, 100_000), Number(args, 2, 1_000), retention: !args.Contains("--no-retention"));
    case ["sidebyside", ..]:
        return await SideBySideRun.RunAsync(Number(args, 1, 1000), [.. args.Skip(1).Where(a => !char.IsAsciiDigit(a[0]))]);
    case ["sidebyside-worker", var side, var url, var n]:
        return await SideBySideWorker.RunAsync(side, new Uri(url), int.Parse(n, CultureInfo.InvariantCulture));
    case ["inflight", ..]:
        return InFlightRun.Run(Number(args, 1, 100_000), Number(args, 2, 5), Option(args, "--only"), int.Parse(Option(args, "--pause") ?? "0", CultureInfo.InvariantCulture),
            Option(args, "--interval") is { } interval ? TimeSpan.FromSeconds(double.Parse(interval, CultureInfo.InvariantCulture)) : null);
    case ["journal", ..]:
        return await JournalRun.RunAsync(Number(args, 1, 1000), [.. args.Skip(1).Where(a => !char.IsAsciiDigit(a[0]))]);
    case ["journal-worker", var side, var url, var n, .. var rest]:
        return await JournalWorker.RunAsync(side, new Uri(url), int.Parse(n, CultureInfo.InvariantCulture), rest is [var connection] ? connection : null);
    case ["realtime", ..]:
        return await RealtimeRun.RunAsync();
    default:
        BenchmarkSwitcher.FromAssembly(typeof(RequestCostBenchmarks).Assembly).Run(args);
        return 0;
}
