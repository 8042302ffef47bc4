using System.Net.Http.Headers;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>
/// The one way a virtual-time test wires the test kit: a <see cref="TestScheduler"/>, a <see cref="FalSimulator"/> on it,
/// an <see cref="HttpClient"/> over the simulator's handler (through a handler of the test's own in front, if any) and a
/// <see cref="FalClient"/> with the test's key and options. The storage, realtime, simulator and request harnesses are
/// configurations of it (<see cref="Builder"/>), so what they share is written once.
/// </summary>
internal sealed class FalHarness : IDisposable
{
    private FalHarness(Builder setup)
    {
        Key = setup.KeyValue;
        Simulator = new FalSimulator(Scheduler, setup.SimulatorOptions);
        HttpMessageHandler handler = Simulator.CreateHandler();
        Http = new HttpClient(setup.Wrap?.Invoke(handler) ?? handler);
        if (setup.RawKeyHeader)
        {
            // For tests that speak the protocol themselves, without a client.
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Key", Key);
        }

        var options = new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key),
            // The blocking API waits on its scheduler: there, a wait advances virtual time instead.
            Scheduler = setup.AdvancingTime ? new AdvancingScheduler(Scheduler) : Scheduler,
        };
        setup.ConfigureClient?.Invoke(options);
        Client = setup.CreateClient is { } create ? create(this, options) : new FalClient(Http, options);
    }

    public TestScheduler Scheduler { get; } = new();

    public string Key { get; }

    public FalSimulator Simulator { get; }

    public HttpClient Http { get; }

    public FalClient Client { get; }

    public static Builder WithKey(string key) => new(key);

    public static long Ticks(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    public void Advance(TimeSpan time) => Scheduler.AdvanceBy(time.Ticks);

    public void At(double seconds, Action action) => Scheduler.ScheduleAbsolute(Ticks(seconds), action);

    public IReadOnlyList<FalRecordedCall> CallsOf(FalCallKind kind) => Simulator.Calls.Where(c => c.Kind == kind).ToList();

    public void Dispose()
    {
        Client.Dispose();
        Http.Dispose();
    }

    /// <summary>What a test configures: the simulator, a handler in front of it, the client's options, the clock.</summary>
    internal sealed class Builder(string key)
    {
        internal string KeyValue { get; } = key;

        internal FalSimulatorOptions? SimulatorOptions { get; private set; }

        internal Func<HttpMessageHandler, HttpMessageHandler>? Wrap { get; private set; }

        internal Action<FalClientOptions>? ConfigureClient { get; private set; }

        internal Func<FalHarness, FalClientOptions, FalClient>? CreateClient { get; private set; }

        internal bool AdvancingTime { get; private set; }

        internal bool RawKeyHeader { get; private set; }

        public Builder Simulator(FalSimulatorOptions? options)
        {
            SimulatorOptions = options;
            return this;
        }

        /// <summary>A handler of the test's own between the client and the simulator (a tap, a fault injector).</summary>
        public Builder Handler(Func<HttpMessageHandler, HttpMessageHandler> wrap)
        {
            Wrap = wrap;
            return this;
        }

        public Builder Client(Action<FalClientOptions>? configure)
        {
            ConfigureClient += configure;
            return this;
        }

        /// <summary>A client made otherwise (e.g. wired to a realtime simulator on the harness's scheduler).</summary>
        public Builder Client(Func<FalHarness, FalClientOptions, FalClient> create)
        {
            CreateClient = create;
            return this;
        }

        /// <summary>Waits on the scheduler advance virtual time (for the synchronous, blocking API).</summary>
        public Builder Advancing(bool advancing = true)
        {
            AdvancingTime = advancing;
            return this;
        }

        /// <summary>The harness's <see cref="Http"/> sends the key itself, for tests of the protocol without a client.</summary>
        public Builder KeyOnHttp()
        {
            RawKeyHeader = true;
            return this;
        }

        public FalHarness Build() => new(this);
    }
}
