using System.Reactive.Concurrency;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Bench.InFlight;

/// <summary>
/// One way of having requests in flight against a fresh <see cref="FalSimulator"/> on its own virtual clock: the
/// simulator alone (submitted, never polled), the bare loop (a pending <see cref="TaskCompletionSource"/> and a
/// scheduled item per wait), <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> observables, or
/// handles watched by <see cref="FalRequestHandle.Events"/>.
/// </summary>
internal abstract class InFlightVariant : IDisposable
{
    public const string App = "bench/inflight";

    // One input object for every request: what a request holds is measured, not the caller's inputs.
    protected static readonly object Input = new { prompt = "a landscape" };

    private int _finished;
    private int _failed;

    protected InFlightVariant(int n, TimeSpan interval, TimeSpan runTime)
    {
        Interval = interval;
        Scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        // A worker per request: all of them run (IN_PROGRESS) at once. Finished requests and calls are dropped by age,
        // so that once a round is over the simulator holds nothing and the heap can return to its baseline.
        Simulator = new FalSimulator(Scheduler, new FalSimulatorOptions
        {
            Workers = n + 1,
            Retention = new FalSimulatorRetention { MaxFinishedRequests = int.MaxValue, MaxCalls = 0, MaxAge = RetentionAge },
        });
        Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 42 }, runTime));
        Counter = new StatusCallCounter(Simulator.CreateHandler());
        Http = new HttpClient(Counter);
    }

    /// <summary>How long the simulator keeps a finished request: the run waits this long after a round to let it go.</summary>
    public static TimeSpan RetentionAge { get; } = TimeSpan.FromSeconds(10);

    public abstract string Name { get; }

    public HistoricalScheduler Scheduler { get; }

    public FalSimulator Simulator { get; }

    public StatusCallCounter Counter { get; }

    public int Finished => Volatile.Read(ref _finished);

    public int Failed => Volatile.Read(ref _failed);

    public TimeSpan PollInterval => Interval;

    public HttpClient HttpClient => Http;

    protected TimeSpan Interval { get; }

    protected HttpClient Http { get; }

    /// <summary>Starts request <paramref name="i"/>; it runs on the virtual clock from here.</summary>
    public abstract void Start(int i);

    /// <summary>How many of the <paramref name="started"/> requests are still in flight (not finished for this variant).</summary>
    public virtual int InFlight(int started) => started - Finished;

    /// <summary>Drops what the round's requests left with the bench (subscriptions, tasks): nothing of them stays reachable.</summary>
    public virtual void EndRound()
    {
        _finished = 0;
        _failed = 0;
    }

    public virtual void Dispose() => Http.Dispose();

    protected void OnFinished(bool failed)
    {
        Interlocked.Increment(ref _finished);
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
