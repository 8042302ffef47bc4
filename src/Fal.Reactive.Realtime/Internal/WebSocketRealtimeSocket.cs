using System.Buffers;
using System.Net.WebSockets;

namespace Fal.Reactive;

/// <summary>
/// The real socket: a <see cref="ClientWebSocket"/> whose opening handshake goes through the client's
/// <see cref="HttpMessageInvoker"/> (its <see cref="HttpClient"/> and handlers), whole messages in and out. Going
/// through the handler is also how the realtime simulator of Fal.Reactive.Testing stands in for fal: it answers the
/// upgrade in memory, as it answers every other call.
/// </summary>
internal sealed class WebSocketRealtimeSocket(HttpMessageInvoker invoker) : IRealtimeSocket
{
    private readonly ClientWebSocket _socket = new() { Options = { CollectHttpResponseDetails = true } };

    public async Task ConnectAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        if (authorization is not null)
        {
            // Never in a browser (which cannot set handshake headers): the options refuse header auth there.
            _socket.Options.SetRequestHeader("Authorization", authorization);
        }

        try
        {
            await _socket.ConnectAsync(url, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e) when (_socket.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            throw new RealtimeRefusedException((int)_socket.HttpStatusCode, e);
        }
    }

    public Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).AsTask();

    public async Task<RealtimeFrame> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (WebSocketException e)
                {
                    // The peer vanished without a close frame: what a browser reports as 1006.
                    return RealtimeFrame.Closed(RealtimeFrame.AbnormalClosure, e.Message);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return RealtimeFrame.Closed((int?)_socket.CloseStatus ?? RealtimeFrame.AbnormalClosure, _socket.CloseStatusDescription);
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    var kind = result.MessageType == WebSocketMessageType.Text ? RealtimeFrameKind.Text : RealtimeFrameKind.Binary;
                    return new RealtimeFrame(kind, buffer.AsSpan(0, length).ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the client", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Best effort (a send still in flight makes a close invalid): the connection is going away either way.
        }
    }

    public void Dispose() => _socket.Dispose();
}
