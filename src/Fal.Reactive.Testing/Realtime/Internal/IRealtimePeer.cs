namespace Fal.Reactive.Testing.Internal;

/// <summary>
/// The client end of a simulated realtime connection, as the simulator sees it: where its frames go. The
/// in-memory socket and the emulator's WebSocket endpoint are the two peers.
/// </summary>
internal interface IRealtimePeer
{
    /// <summary>Delivers a frame to the client; a <see cref="RealtimeFrameKind.Close"/> frame ends the connection.</summary>
    void Deliver(RealtimeFrame frame);
}
