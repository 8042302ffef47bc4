namespace Fal.Reactive;

/// <summary>
/// The little of a WebSocket the realtime session needs. <see cref="WebSocketRealtimeSocket"/> is the real one;
/// the realtime simulator in Fal.Reactive.Testing stands in for it, so a whole session runs in virtual time.
/// </summary>
internal interface IRealtimeSocket : IDisposable
{
    /// <summary>
    /// Opens the connection: the URL carries the temporary token, never the key; in header-auth mode
    /// <paramref name="authorization"/> goes in the handshake's <c>Authorization</c> header instead.
    /// </summary>
    Task ConnectAsync(Uri url, string? authorization, CancellationToken cancellationToken);

    /// <summary>Sends one whole message as a binary frame (fal's realtime apps read binary frames only).</summary>
    Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>
    /// The next whole message, or a <see cref="RealtimeFrameKind.Close"/> frame when the connection ended
    /// (a dropped connection is a close with status 1006, as browsers report it).
    /// </summary>
    Task<RealtimeFrame> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Closes normally (status 1000); never throws.</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}

/// <summary>What a <see cref="RealtimeFrame"/> holds.</summary>
internal enum RealtimeFrameKind
{
    Text,
    Binary,
    Close,
}

/// <summary>One whole WebSocket message, or the end of the connection with its close status.</summary>
internal readonly record struct RealtimeFrame(RealtimeFrameKind Kind, ReadOnlyMemory<byte> Data, int CloseStatus = 0, string? CloseReason = null)
{
    /// <summary>RFC 6455 7.4.1: normal closure.</summary>
    public const int NormalClosure = 1000;

    /// <summary>RFC 6455 7.4.1: closed without a close frame (never sent on the wire).</summary>
    public const int AbnormalClosure = 1006;

    public static RealtimeFrame Closed(int status, string? reason) => new(RealtimeFrameKind.Close, ReadOnlyMemory<byte>.Empty, status, reason);
}
