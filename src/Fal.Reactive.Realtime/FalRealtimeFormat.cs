namespace Fal.Reactive;

/// <summary>
/// How inputs are encoded on a realtime connection, always in binary frames (fal's realtime template reads binary
/// frames only). Text frames from the app are JSON, whatever is chosen.
/// </summary>
public enum FalRealtimeFormat
{
    /// <summary>msgpack, as fal's template and official clients (the default); a <see cref="byte"/> array is msgpack <c>bin</c>.</summary>
    MessagePack,

    /// <summary>UTF-8 JSON in binary frames: for an app declared on fal with a JSON codec (results are read as JSON too).</summary>
    Json,
}
