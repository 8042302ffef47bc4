using System.Reactive.Concurrency;
using System.Reactive.Linq;
using BenchmarkDotNet.Attributes;

namespace Fal.Reactive.Bench;

/// <summary>
/// One whole request (submit, 6 polls, result) against canned in-memory answers: the client's own cost
/// per request, side by side with a bare HttpClient loop making the same calls. The client's poll waits go
/// through a virtual-time scheduler, so no benchmark waits in real time; the bare loop does not wait at all.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the life cycle: GlobalCleanup disposes them.
public class RequestCostBenchmarks
#pragma warning restore CA1001
{
    private static readonly Func<Task> s_noWait = () => Task.CompletedTask;
    private HttpClient _http = null!;
    private HistoricalScheduler _scheduler = null!;
    private FalClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _http = new HttpClient(new CannedFalHandler());
        _scheduler = new HistoricalScheduler();
        _client = new FalClient(_http, new FalClientOptions { Credentials = FalCredentials.FromKey("bench"), Scheduler = _scheduler });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare HttpClient loop")]
    public int BareLoop() =>
        BareHttpLoop.RunAsync(_http, FalClientOptions.DefaultQueueUrl, s_noWait).GetAwaiter().GetResult().GetProperty("seed").GetInt32();

    /// <summary>
    /// The bare loop again, but waiting between polls as a scheduler-driven loop must: each wait a promise
    /// completed by an item on the same virtual-time scheduler. The floor for any client whose waits go
    /// through an <see cref="IScheduler"/> (the bare loop above waits for nothing).
    /// </summary>
    [Benchmark(Description = "bare loop, waits on the scheduler")]
    public int BareLoopOnScheduler()
    {
        var run = BareHttpLoop.RunAsync(_http, FalClientOptions.DefaultQueueUrl, WaitOnScheduler);
        _scheduler.Start();
        return run.GetAwaiter().GetResult().GetProperty("seed").GetInt32();
    }

    [Benchmark(Description = "FalClient.Submit observable")]
    public int SubmitObservable()
    {
        var seed = 0;
        using var subscription = _client.Submit("fal-ai/fast-sdxl", new SdxlInput("a landscape"))
            .OfType<Completed>()
            .Subscribe(c => seed = c.Result!.Value.GetProperty("seed").GetInt32());
        _scheduler.Start();
        return seed;
    }

    private Task WaitOnScheduler()
    {
        var waited = new TaskCompletionSource();
        _scheduler.Schedule(waited, TimeSpan.FromMilliseconds(100), static (_, w) =>
        {
            w.SetResult();
            return System.Reactive.Disposables.Disposable.Empty;
        });
        return waited.Task;
    }

    private sealed record SdxlInput(string Prompt);
}
