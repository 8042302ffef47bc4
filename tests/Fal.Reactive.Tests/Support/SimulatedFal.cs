using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>The request tests' configuration of <see cref="FalHarness"/>: queue workers, latency, ids, a 100 ms poll interval.</summary>
internal sealed class SimulatedFal : IDisposable
{
    public const string Key = "sim-key-5f1c0ffee";
    public const string App = "fal-ai/fast-sdxl";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly FalHarness _harness;

    public SimulatedFal(int workers = 1, TimeSpan? latency = null, bool blockingApi = false, Func<string>? requestIds = null, Action<FalClientOptions>? configure = null) =>
        _harness = FalHarness.WithKey(Key)
            .Simulator(new FalSimulatorOptions { Workers = workers, Latency = latency ?? TimeSpan.Zero, RequestIdGenerator = requestIds })
            .Advancing(blockingApi)
            .Client(o => o.PollInterval = Interval)
            .Client(configure)
            .Build();

    public TestScheduler Scheduler => _harness.Scheduler;

    public FalSimulator Simulator => _harness.Simulator;

    public HttpClient Http => _harness.Http;

    public FalClient Client => _harness.Client;

    public IReadOnlyList<FalRecordedCall> CallsOf(FalCallKind kind) => _harness.CallsOf(kind);

    public static long Ticks(double seconds) => FalHarness.Ticks(seconds);

    public void Dispose() => _harness.Dispose();
}
