using System.Net.WebSockets;
using System.Threading.Channels;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Emulator.Realtime;

/// <summary>
/// The simulator's frames onto a real WebSocket: queued (the simulator delivers from scheduler threads) and written
/// one at a time, as a WebSocket allows. A 1006 "close" aborts the connection, as a network failure would.
/// </summary>
internal sealed class WebSocketPeer(WebSocket socket, Action abort, CancellationToken aborted) : IRealtimePeer
{
    private readonly Channel<RealtimeFrame> _frames = Channel.CreateUnbounded<RealtimeFrame>(new UnboundedChannelOptions { SingleReader = true });

    public void Deliver(RealtimeFrame frame) => _frames.Writer.TryWrite(frame);

    public void Complete() => _frames.Writer.TryComplete();

    public async Task WriteAsync()
    {
        try
        {
            await foreach (var frame in _frames.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                if (frame.Kind == RealtimeFrameKind.Close)
                {
                    if (frame.CloseStatus == RealtimeFrame.AbnormalClosure)
                    {
                        abort();
                    }
                    else if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync((WebSocketCloseStatus)frame.CloseStatus, frame.CloseReason, aborted).ConfigureAwait(false);
                    }

                    return;
                }

                await socket.SendAsync(frame.Data, frame.Kind == RealtimeFrameKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, aborted).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away: the read side reports it.
        }
    }
}
