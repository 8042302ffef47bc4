using System.Text.Json;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>A realtime simulator on a TestScheduler with an echo app (50 ms per input) and a client wired to it.</summary>
internal sealed class RealtimeHarness : IDisposable
{
    public const string Echo = "fal-ai/echo";
    public const string Key = "rt-key-0ddba11";
    public static readonly TimeSpan ProcessingTime = TimeSpan.FromMilliseconds(50);

    public RealtimeHarness(FalRealtimeSimulatorOptions? options = null, FalClientOptions? clientOptions = null)
    {
        Simulator = new FalRealtimeSimulator(Scheduler, options ?? new FalRealtimeSimulatorOptions { AcceptedKeys = [Key] })
            .MapApp(Echo, input => input, ProcessingTime)
            .MapApp("fal-ai/broken", input => throw new InvalidOperationException("the model crashed on " + input.GetProperty("prompt").GetString()), ProcessingTime);
        clientOptions ??= new FalClientOptions { Credentials = FalCredentials.FromKey(Key) };
        clientOptions.Scheduler = Scheduler;
        Client = Simulator.CreateClient(clientOptions);
    }

    public TestScheduler Scheduler { get; } = new();

    public FalRealtimeSimulator Simulator { get; }

    public FalClient Client { get; }

    public static long Ticks(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    public static object Prompt(string prompt) => new { prompt };

    public static string? PromptOf(FalRealtimeResult<JsonElement> result) => result.Output.GetProperty("prompt").GetString();

    public void At(double seconds, Action action) => Scheduler.ScheduleAbsolute(Ticks(seconds), action);

    public void Dispose() => Client.Dispose();
}
