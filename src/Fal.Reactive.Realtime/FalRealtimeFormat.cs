namespace Fal.Reactive;

/// <summary>How inputs are encoded on a realtime connection. Results are read in either format, whatever is chosen.</summary>
public enum FalRealtimeFormat
{
    /// <summary>Binary msgpack frames, as fal's official clients send (the default).</summary>
    MessagePack,

    /// <summary>JSON text frames.</summary>
    Json,
}
