using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// One app mapped on the simulator at one path: a handler of JSON inputs (<see cref="Json"/>), or of msgpack values
/// as they are (<see cref="Raw"/>, which keeps <c>bin</c> as a byte array, as fal's template keeps bytes).
/// </summary>
internal sealed record RealtimeApp(string AppId, FalRealtimeAppOptions Options, Func<JsonElement, object?>? Json, Func<object?, object?>? Raw)
{
    /// <summary>The URL path after the run host, e.g. <c>fal-ai/fast-lcm-diffusion/realtime</c>.</summary>
    public string Key => AppId + Options.Path;
}
