using System.Net.WebSockets;

namespace Fal.Reactive.Testing;

/// <content>The socket side: reading the client's frames, and writing frames back in order.</content>
public sealed partial class FalSimulatedRealtimeConnection
{
    /// <summary>Reads the client's frames until the connection ends.</summary>
    internal async Task ServeAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClientClosed((int?)result.CloseStatus ?? 1000);
                    // Answer the client's close (nothing to do when the app closed first).
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        Chain(socket => socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None));
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    Receive(message.ToArray(), result.MessageType == WebSocketMessageType.Text);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            ClientClosed(AbnormalClosure);
        }
    }

    /// <summary>The client closed (or vanished: 1006).</summary>
    private void ClientClosed(int status)
    {
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                return;
            }

            CloseStatus = status;
            ClosedByClient = true;
            _waiting.Clear();
        }
    }

    private void Send(byte[] message, WebSocketMessageType type) =>
        Chain(socket => socket.SendAsync(message, type, endOfMessage: true, CancellationToken.None));

    /// <summary>
    /// Frames go out in order, one after the other (a WebSocket takes one send at a time). In memory each send
    /// completes at once, so under a <c>TestScheduler</c> the client has read the frame when this returns.
    /// </summary>
    private void Chain(Func<WebSocket, Task> send)
    {
        lock (_gate)
        {
            _sending = Next(_sending, _socket, send);
        }

        static async Task Next(Task previous, WebSocket socket, Func<WebSocket, Task> send)
        {
            await previous.ConfigureAwait(false);
            try
            {
                await send(socket).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                // The client is gone; the read side records how.
            }
        }
    }
}
