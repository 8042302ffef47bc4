using System.Diagnostics;
using System.Globalization;

namespace Fal.Reactive.Bench.InFlight;

/// <summary>
/// N requests in flight at once in one process, in virtual time: a fresh <see cref="Fal.Reactive.Testing.FalSimulator"/>
/// on a <see cref="System.Reactive.Concurrency.HistoricalScheduler"/> per variant (simulator alone, bare loop, Submit,
/// handle.Events), N requests started, the clock advanced in steps while all N run (each polled several times per
/// step), then to completion and past every timer. At each step: in flight, the heap after a full blocking GC, the
/// GC's heap size, RSS, bytes allocated per status poll; and the heap per in-flight request over the variant's
/// baseline, which must stay flat across steps and rounds and return to the baseline once the round is over.
/// </summary>
internal static class InFlightRun
{
    // Polled every 10 s of virtual time, 3 steps of 30 s while in flight (3 polls each, 90 s in all: longer than the
    // client's 60 s per-attempt timeout, whose timers a virtual clock keeps queued until due), done at 92.5 s.
    // About 10 polls per request and round: at N = 100,000 a round is a million polls.
    private static readonly TimeSpan s_defaultInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(30);
    private const int Steps = 3;
    private static readonly TimeSpan s_runTime = (s_step * Steps) + TimeSpan.FromSeconds(2.5);

    // After the last request finished: past the simulator's retention and the client's 60 s attempt timers.
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(65);

    /// <param name="n">Requests in flight at once.</param>
    /// <param name="rounds">Rounds per variant, each N requests from start to completion.</param>
    /// <param name="only">Variants to run (sim, bare, submit, events), comma-separated; null for all.</param>
    /// <param name="pauseSeconds">Pause with all N in flight in the first round (for <c>dotnet-gcdump collect</c>).</param>
    /// <param name="interval">Poll interval (default 10 s; the client's default 100 ms shows the attempt-timer backlog at its largest).</param>
    public static int Run(int n, int rounds, string? only, int pauseSeconds, TimeSpan? interval = null)
    {
        var poll = interval ?? s_defaultInterval;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inflight: N = {n:N0}, {rounds} rounds, poll {poll.TotalSeconds} s, {Steps} steps of {s_step.TotalSeconds} s virtual while in flight, run time {s_runTime.TotalSeconds} s; {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC"));
        Console.WriteLine("  variant | round | step | virtual s | in flight | heap MB | B / in-flight | GC heap MB | RSS MB | polls | B / poll | wall s");
        var ok = true;
        var factories = new (string Key, Func<InFlightVariant> Create)[]
        {
            ("sim", () => new SimulatorOnlyVariant(n, poll, s_runTime)),
            ("bare", () => new BareLoopVariant(n, poll, s_runTime)),
            ("submit", () => new SubmitVariant(n, poll, s_runTime)),
            ("events", () => new HandleEventsVariant(n, poll, s_runTime)),
        };
        foreach (var (key, create) in factories)
        {
            if (only is null || only.Split(',').Contains(key))
            {
                ok &= RunVariant(create, n, rounds, pauseSeconds);
            }
        }

        return ok ? 0 : 1;
    }

    private static bool RunVariant(Func<InFlightVariant> create, int n, int rounds, int pauseSeconds)
    {
        using var variant = create();
        // Warm-up: JIT, pools, the simulator's tables at their working size, so that the baseline is steady.
        Round(variant, Math.Min(n, 1_000), round: 0, baseline: null, pauseSeconds: 0);
        var baseline = MemorySample.Take();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {variant.Name}: baseline heap {Mb(baseline.HeapBytes)} MB, GC heap {Mb(baseline.GcHeapBytes)} MB, RSS {baseline.RssKb / 1024.0:0} MB"));
        var ok = true;
        for (var round = 1; round <= rounds; round++)
        {
            ok &= Round(variant, n, round, baseline, round == 1 ? pauseSeconds : 0);
        }

        return ok;
    }

    private static bool Round(InFlightVariant variant, int n, int round, MemorySample? baseline, int pauseSeconds)
    {
        var start = variant.Scheduler.Now;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            variant.Start(i);
        }

        var last = Sample(variant, n, round, "start", start, baseline, null, wall);
        for (var step = 1; step <= Steps; step++)
        {
            variant.Scheduler.AdvanceBy(s_step);
            last = Sample(variant, n, round, step.ToString(CultureInfo.InvariantCulture), start, baseline, last, wall);
        }

        if (pauseSeconds > 0)
        {
            // For a heap snapshot of the N in flight (dotnet-gcdump collect -p PID) from another shell.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  paused {pauseSeconds} s, pid {Environment.ProcessId}"));
            Thread.Sleep(TimeSpan.FromSeconds(pauseSeconds));
        }

        variant.Scheduler.AdvanceBy(s_step);
        last = Sample(variant, n, round, "done", start, baseline, last, wall);
        var failed = variant.Failed;
        var finished = variant.InFlight(n) == 0;
        variant.EndRound();
        variant.Scheduler.AdvanceBy(s_drain);
        _ = variant.Simulator.Requests.Count; // Reading applies the simulator's retention.
        // Nothing is started any more: what is over the baseline now is what the round left behind.
        Sample(variant, 0, round, "drained", start, baseline, last, wall);
        if (failed > 0 || !finished)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round}: {failed} failed, all finished: {finished}"));
        }

        return failed == 0 && finished;
    }

    private static MemorySample Sample(InFlightVariant variant, int n, int round, string step, DateTimeOffset start, MemorySample? baseline, MemorySample? previous, Stopwatch wall)
    {
        var inFlight = variant.InFlight(n);
        var sample = MemorySample.Take(variant.Counter.Polls);
        if (baseline is { } b)
        {
            var pollsInStep = previous is { } before ? sample.Polls - before.Polls : 0;
            var perInFlight = inFlight > 0 ? ((sample.HeapBytes - b.HeapBytes) / (double)inFlight).ToString("0", CultureInfo.InvariantCulture) : $"({(sample.HeapBytes - b.HeapBytes) / 1024.0:+0;-0} KB over)";
            var perPoll = previous is { } p && pollsInStep > 0 ? ((sample.AllocatedBytes - p.AllocatedBytes) / (double)pollsInStep).ToString("0", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Short(variant.Name)} | {round} | {step} | {(variant.Scheduler.Now - start).TotalSeconds:0} | {inFlight} | {Mb(sample.HeapBytes)} | {perInFlight} | {Mb(sample.GcHeapBytes)} | {sample.RssKb / 1024.0:0} | {pollsInStep} | {perPoll} | {wall.Elapsed.TotalSeconds:0.0}"));
        }

        return sample;
    }

    private static string Short(string name) => name.Split(' ')[0];

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
