using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>A realtime simulator on a TestScheduler with echo apps (50 ms per input), a broken one, and a client wired to it.</summary>
internal sealed class RealtimeHarness : IDisposable
{
    public const string Echo = "fal-ai/echo";
    public const string Key = "rt-key-0ddba11";

    /// <summary>An echo with fal's session_timeout (1 s) and emit_timings.</summary>
    public const string Idle = "fal-ai/idle";

    /// <summary>An echo of msgpack values as they are (bin stays bytes).</summary>
    public const string Bytes = "fal-ai/bytes";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ProcessingTime = TimeSpan.FromMilliseconds(50);

    private readonly FalHarness _harness;

    public RealtimeHarness(FalRealtimeSimulatorOptions? options = null, FalClientOptions? clientOptions = null) =>
        _harness = FalHarness.WithKey(Key)
            .Client((harness, wired) =>
            {
                Simulator = new FalRealtimeSimulator(harness.Scheduler, options ?? new FalRealtimeSimulatorOptions { AcceptedKeys = [Key] })
                    .MapApp(Echo, input => input, ProcessingTime)
                    .MapApp(Echo, input => input, new FalRealtimeAppOptions { Path = "/realtime/json", JsonMessages = true, ProcessingTime = ProcessingTime })
                    .MapApp(Idle, input => input, new FalRealtimeAppOptions { ProcessingTime = ProcessingTime, SessionTimeout = IdleTimeout, EmitTimings = true })
                    .MapMessagePackApp(Bytes, input => input, new FalRealtimeAppOptions { ProcessingTime = ProcessingTime })
                    .MapApp("fal-ai/broken", input => throw new InvalidOperationException("the model crashed on " + input.GetProperty("prompt").GetString()), ProcessingTime);
                var chosen = clientOptions ?? new FalClientOptions { Credentials = wired.Credentials };
                chosen.Scheduler = harness.Scheduler;
                return Simulator.CreateClient(chosen);
            })
            .Build();

    public TestScheduler Scheduler => _harness.Scheduler;

    public FalRealtimeSimulator Simulator { get; private set; } = null!;

    public FalClient Client => _harness.Client;

    public static long Ticks(double seconds) => FalHarness.Ticks(seconds);

    public static object Prompt(string prompt) => new { prompt };

    public static string? PromptOf(FalRealtimeResult<JsonElement> result) => result.Output.GetProperty("prompt").GetString();

    public void At(double seconds, Action action) => _harness.At(seconds, action);

    public void Dispose() => _harness.Dispose();
}
