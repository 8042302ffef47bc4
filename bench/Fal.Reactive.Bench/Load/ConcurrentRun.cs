using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;

namespace Fal.Reactive.Bench.Load;

/// <summary>
/// N request observables subscribed at once (FalClient.Submit) against the emulator in a child process over loopback:
/// do all complete, and what do they cost the client (peak RSS, peak thread count, wall time)? Bounded: gives up after 5 min.
/// </summary>
internal static class ConcurrentRun
{
    // Each run lasts 2 s, longer than it takes to subscribe them all: all N are in flight on the server at once.
    private const double RunSeconds = 2;
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(int n)
    {
        // As many workers as requests, so that all of them are in flight on the server at once.
        using var emulator = await EmulatorProcess.StartAsync("--workers", (n + 1).ToString(CultureInfo.InvariantCulture));
        var (http, client) = LoadClient.Create(emulator.BaseUrl, s_interval);
        using (http)
        using (client)
        {
            // Warm up (JIT, connections), so that the figures are the run's.
            await Enumerable.Range(0, 50).Select(i => LoadClient.Outcome(client, i)).Merge().LastAsync();
            GC.Collect();
            var before = ProcStatus.Self();

            var outcomes = new ConcurrentDictionary<string, int>();
            var done = new TaskCompletionSource();
            var remaining = n;
            var peakThreads = 0;
            var wall = Stopwatch.StartNew();
            var subscriptions = Enumerable.Range(0, n).Select(i => LoadClient.Outcome(client, i, RunSeconds).Subscribe(outcome =>
            {
                outcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    done.TrySetResult();
                }
            })).ToList();
            var subscribed = wall.Elapsed;

            while (!done.Task.IsCompleted && wall.Elapsed < s_limit)
            {
                peakThreads = Math.Max(peakThreads, ProcStatus.Self().Threads);
                await Task.WhenAny(done.Task, Task.Delay(100));
            }

            wall.Stop();
            var after = ProcStatus.Self();
            var server = emulator.Status();
            subscriptions.ForEach(s => s.Dispose());

            var lines = string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} concurrent FalClient.Submit observables, {LoadClient.App} run_seconds={RunSeconds}, poll {s_interval.TotalMilliseconds} ms, 256 connections:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  outcomes     : {lines}{(remaining > 0 ? $", unfinished {remaining} (gave up after {s_limit.TotalMinutes} min)" : string.Empty)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  wall time    : {wall.Elapsed.TotalSeconds:0.0} s (all subscribed in {subscribed.TotalMilliseconds:0} ms)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client RSS   : {ProcStatus.Mb(before.RssKb)} before, peak {ProcStatus.Mb(after.PeakRssKb)}, {ProcStatus.Mb(after.RssKb)} after"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client threads: {before.Threads} before, peak {peakThreads} (sampled every 100 ms), {after.Threads} after"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  emulator RSS : {ProcStatus.Mb(server.RssKb)} at the end, peak {ProcStatus.Mb(server.PeakRssKb)}"));
            return remaining == 0 && outcomes.Keys.All(k => k == "completed") ? 0 : 1;
        }
    }
}
