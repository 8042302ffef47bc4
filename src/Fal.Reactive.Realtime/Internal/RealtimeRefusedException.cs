namespace Fal.Reactive;

/// <summary>The WebSocket handshake was answered 401 or 403: the token was refused before any frame.</summary>
#pragma warning disable CA1064 // Internal: caught by the session, never surfaced.
internal sealed class RealtimeRefusedException(int statusCode, Exception inner)
    : Exception($"The realtime handshake was refused ({statusCode}).", inner)
#pragma warning restore CA1064
{
    public int StatusCode { get; } = statusCode;
}
