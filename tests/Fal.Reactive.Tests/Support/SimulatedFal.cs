using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>A <see cref="FalClient"/> wired to a <see cref="FalSimulator"/>, both on one <see cref="TestScheduler"/>.</summary>
internal sealed class SimulatedFal : IDisposable
{
    public const string Key = "sim-key-5f1c0ffee";
    public const string App = "fal-ai/fast-sdxl";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public SimulatedFal(int workers = 1, TimeSpan? latency = null, bool blockingApi = false, Func<string>? requestIds = null)
    {
        Simulator = new FalSimulator(Scheduler, new FalSimulatorOptions { Workers = workers, Latency = latency ?? TimeSpan.Zero, RequestIdGenerator = requestIds });
        Http = new HttpClient(Simulator.CreateHandler());
        var options = new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key),
            // The blocking API waits on its scheduler: there, a wait advances virtual time instead.
            Scheduler = blockingApi ? new AdvancingScheduler(Scheduler) : Scheduler,
            PollInterval = Interval,
        };
        Client = new FalClient(Http, options);
    }

    public TestScheduler Scheduler { get; } = new();

    public FalSimulator Simulator { get; }

    public HttpClient Http { get; }

    public FalClient Client { get; }

    public IReadOnlyList<FalRecordedCall> CallsOf(FalCallKind kind) => Simulator.Calls.Where(c => c.Kind == kind).ToList();

    public static long Ticks(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    public void Dispose()
    {
        Client.Dispose();
        Http.Dispose();
    }
}
