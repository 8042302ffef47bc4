namespace Fal.Reactive.Testing;

/// <summary>
/// How a realtime app mapped on a <see cref="FalRealtimeSimulator"/> is served: the arguments of fal's
/// <c>@fal.realtime(path, session_timeout=…, encode_message=…, decode_message=…)</c>. The simulator copies the
/// values when the app is mapped.
/// </summary>
public sealed class FalRealtimeAppOptions
{
    /// <summary>
    /// Gets or sets the path after the app id the socket is at. Default <c>/realtime</c>; fal apps declare others
    /// (e.g. <c>/realtime/json</c>, <c>/ws</c>), which fal_client's <c>ws_connect(path=…)</c> opens; empty for the app's root.
    /// </summary>
    public string Path { get; set; } = "/realtime";

    /// <summary>Gets or sets how long each input takes, on the simulator's scheduler.</summary>
    public TimeSpan ProcessingTime { get; set; }

    /// <summary>
    /// Gets or sets how long the app waits for an input before it ends the session (fal's <c>session_timeout</c>):
    /// it finishes the inputs it holds, sends <c>{"type":"x-fal-error","error":"TIMEOUT",…}</c> as a text frame and
    /// closes normally. <see langword="null"/> (fal's default) waits for ever.
    /// </summary>
    public TimeSpan? SessionTimeout { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether each result is followed by fal's timings meta message,
    /// <c>{"type":"x-fal-message","action":"timings","timing":seconds}</c>, a text frame (fal's <c>emit_timings</c>).
    /// </summary>
    public bool EmitTimings { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the app reads and writes UTF-8 JSON in binary frames instead of msgpack
    /// (an app declared with a JSON <c>encode_message</c>/<c>decode_message</c>, as fal's own e2e app at <c>/realtime/json</c>).
    /// </summary>
    public bool JsonMessages { get; set; }

    internal FalRealtimeAppOptions Validated()
    {
        if (Path is null || (Path.Length > 0 && Path[0] != '/'))
        {
            throw new ArgumentException($"Path must be empty or start with '/', not '{Path}'.", nameof(Path));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ProcessingTime, TimeSpan.Zero);
        if (SessionTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }

        return new FalRealtimeAppOptions { Path = Path.TrimEnd('/'), ProcessingTime = ProcessingTime, SessionTimeout = SessionTimeout, EmitTimings = EmitTimings, JsonMessages = JsonMessages };
    }
}
