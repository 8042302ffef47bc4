using BenchmarkDotNet.Running;
using Fal.Reactive.Bench;

// dotnet run -c Release --project bench/Fal.Reactive.Bench                  -> BenchmarkDotNet (per-request cost)
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- load [N]     -> side-by-side load run over real HTTP
// dotnet run -c Release --project bench/Fal.Reactive.Bench -- realtime     -> realtime round trips and throughput vs @fal-ai/client
if (args is ["realtime", ..])
{
    return await RealtimeRun.RunAsync();
}

if (args is ["load", ..])
{
    return await LoadRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

BenchmarkSwitcher.FromAssembly(typeof(RequestCostBenchmarks).Assembly).Run(args);
return 0;
