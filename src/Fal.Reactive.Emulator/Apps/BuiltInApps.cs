using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>Maps the emulator's built-in apps onto a simulator.</summary>
internal static class BuiltInApps
{
    public static IReadOnlyList<string> Ids { get; } =
        [FastSdxlApp.AppId, AnyLlmApp.AppId, "emulator/echo", "emulator/slow", "emulator/fail", "emulator/flaky"];

    public static void Map(FalSimulator simulator)
    {
        simulator
            .MapApp(FastSdxlApp.AppId, call => FastSdxlApp.Script(simulator, call))
            .MapApp(AnyLlmApp.AppId, AnyLlmApp.Script)
            .MapApp("emulator/echo", ScenarioApps.Echo)
            .MapApp("emulator/slow", ScenarioApps.Slow)
            .MapApp("emulator/fail", ScenarioApps.Fail)
            .MapApp("emulator/flaky", ScenarioApps.Flaky);
    }
}
