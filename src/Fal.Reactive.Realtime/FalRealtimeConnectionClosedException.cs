namespace Fal.Reactive;

/// <summary>
/// The realtime connection closed abnormally (or could not be opened) and did not come back within
/// <see cref="FalRealtimeOptions.Reconnect"/>'s tries.
/// </summary>
public sealed class FalRealtimeConnectionClosedException : FalRealtimeException
{
    /// <summary>Creates an exception.</summary>
    public FalRealtimeConnectionClosedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FalRealtimeConnectionClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause (e.g. the connect's <see cref="System.Net.WebSockets.WebSocketException"/>).</param>
    public FalRealtimeConnectionClosedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The WebSocket close status (1006 when the connection dropped without one); null when it never opened.</summary>
    public int? CloseStatus { get; init; }
}
