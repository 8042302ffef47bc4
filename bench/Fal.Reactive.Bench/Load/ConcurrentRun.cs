using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;

namespace Fal.Reactive.Bench.Load;

/// <summary>
/// N request observables subscribed at once (FalClient.Submit) against the emulator in a child process over loopback:
/// do all complete, and what do they cost the client (peak RSS, peak thread count, wall time)? Every second it prints
/// the requests in flight, the client's RSS and GC heap and RSS per in-flight request, so that a long run (a larger
/// <c>run_seconds</c>) shows whether that figure stays flat while all N are in flight. Bounded: gives up after 5 min.
/// </summary>
internal static class ConcurrentRun
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(5);

    // Every 5th sample forces a full collection, for the live heap; the others read the last GC's figures only.
    private const int LiveHeapEvery = 5;

    /// <param name="n">How many requests at once.</param>
    /// <param name="runSeconds">How long each runs on the emulator (default 2 s, longer than it takes to subscribe 10,000).</param>
    public static async Task<int> RunAsync(int n, double runSeconds = 2)
    {
        // As many workers as requests, so that all of them are in flight on the server at once.
        // Finished requests kept until their results are fetched: all N finish together, more than the default 10,000.
        var requests = (n + 1).ToString(CultureInfo.InvariantCulture);
        using var emulator = await EmulatorProcess.StartAsync("--workers", requests, "--max-requests", requests, "--max-calls", "1000");
        var (http, client) = LoadClient.Create(emulator.BaseUrl, s_interval);
        using (http)
        using (client)
        {
            // Warm up (JIT, connections), so that the figures are the run's.
            await Enumerable.Range(0, 50).Select(i => LoadClient.Outcome(client, i)).Merge().LastAsync();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var before = ProcStatus.Self();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  before the run: client RSS {ProcStatus.Mb(before.RssKb)}, live heap {heapBefore / 1048576.0:0.0} MB"));

            var outcomes = new ConcurrentDictionary<string, int>();
            var done = new TaskCompletionSource();
            var remaining = n;
            var peakThreads = 0;
            var wall = Stopwatch.StartNew();
            var started = 0;
            var sampler = StartSampler(() => Volatile.Read(ref started) - (n - Volatile.Read(ref remaining)), before, emulator, wall, done.Task);
            var subscriptions = Enumerable.Range(0, n).Select(i =>
            {
                Interlocked.Increment(ref started);
                return LoadClient.Outcome(client, i, runSeconds).Subscribe(outcome =>
                {
                    outcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        done.TrySetResult();
                    }
                });
            }).ToList();
            var subscribed = wall.Elapsed;

            while (!done.Task.IsCompleted && wall.Elapsed < s_limit)
            {
                peakThreads = Math.Max(peakThreads, ProcStatus.Self().Threads);
                await Task.WhenAny(done.Task, Task.Delay(100));
            }

            wall.Stop();
            await sampler;
            var after = ProcStatus.Self();
            var server = emulator.Status();
            subscriptions.ForEach(s => s.Dispose());

            var lines = string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} concurrent FalClient.Submit observables, {LoadClient.App} run_seconds={runSeconds}, poll {s_interval.TotalMilliseconds} ms, 256 connections:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  outcomes     : {lines}{(remaining > 0 ? $", unfinished {remaining} (gave up after {s_limit.TotalMinutes} min)" : string.Empty)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  wall time    : {wall.Elapsed.TotalSeconds:0.0} s (all subscribed in {subscribed.TotalMilliseconds:0} ms)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client RSS   : {ProcStatus.Mb(before.RssKb)} before, peak {ProcStatus.Mb(after.PeakRssKb)}, {ProcStatus.Mb(after.RssKb)} after"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client threads: {before.Threads} before, peak {peakThreads} (sampled every 100 ms), {after.Threads} after"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  emulator RSS : {ProcStatus.Mb(server.RssKb)} at the end, peak {ProcStatus.Mb(server.PeakRssKb)}"));
            return remaining == 0 && outcomes.Keys.All(k => k == "completed") ? 0 : 1;
        }
    }

    /// <summary>
    /// Once a second, beside the run (a thread of its own, so a busy pool does not skip samples): requests in flight
    /// (subscribed and not finished), client RSS, GC heap, RSS over the pre-run figure per in-flight request, threads.
    /// </summary>
    private static Task StartSampler(Func<int> inFlightNow, ProcStatus before, EmulatorProcess emulator, Stopwatch wall, Task done) =>
        Task.Factory.StartNew(
            () =>
            {
                Console.WriteLine("  wall s | in flight | client RSS | KB RSS / in-flight | GC heap (last GC) | live heap (full GC) | threads | emulator RSS");
                for (var sample = 1; !done.Wait(TimeSpan.FromSeconds(1)) && wall.Elapsed < s_limit; sample++)
                {
                    var inFlight = inFlightNow();
                    var live = sample % LiveHeapEvery == 0 ? $"{GC.GetTotalMemory(forceFullCollection: true) / 1048576.0,8:0} MB" : "       -";
                    var self = ProcStatus.Self();
                    var perInFlight = inFlight > 0 ? (self.RssKb - before.RssKb) / (double)inFlight : 0;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {wall.Elapsed.TotalSeconds,6:0} | {inFlight,9} | {ProcStatus.Mb(self.RssKb),10} | {perInFlight,18:0.0} | {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,14:0} MB | {live,19} | {self.Threads,7} | {ProcStatus.Mb(emulator.Status().RssKb),12}"));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
