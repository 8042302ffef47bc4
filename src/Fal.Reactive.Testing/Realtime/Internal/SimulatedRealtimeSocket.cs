using System.Net.WebSockets;

namespace Fal.Reactive.Testing.Internal;

/// <summary>
/// The client's socket, in memory: connects to a <see cref="FalRealtimeSimulator"/> connection, hands it every frame
/// at once, and completes reads inline when the simulator delivers (with no synchronization context, so that under a
/// <c>TestScheduler</c> the client's read loop runs at the very tick the answer was scheduled).
/// </summary>
internal sealed class SimulatedRealtimeSocket(FalRealtimeSimulator simulator) : IRealtimeSocket, IRealtimePeer
{
    private readonly object _gate = new();
    private readonly Queue<RealtimeFrame> _inbox = new();
    private FalSimulatedRealtimeConnection? _connection;
    private TaskCompletionSource<RealtimeFrame>? _reader;
    private bool _closed;

    public Task ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        _connection = simulator.Accept(url, this);
        return _connection is null
            ? Task.FromException(new WebSocketException(WebSocketError.NotAWebSocket, $"The server returned status code '404' for {url.GetLeftPart(UriPartial.Path)}."))
            : Task.CompletedTask;
    }

    public Task SendAsync(ReadOnlyMemory<byte> message, bool text, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed || _connection is null)
            {
                return Task.FromException(new WebSocketException(WebSocketError.InvalidState, "The connection is closed."));
            }
        }

        _connection.Receive(new RealtimeFrame(text ? RealtimeFrameKind.Text : RealtimeFrameKind.Binary, message.ToArray()));
        return Task.CompletedTask;
    }

    public Task<RealtimeFrame> ReceiveAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<RealtimeFrame> reader;
        lock (_gate)
        {
            if (_inbox.TryDequeue(out var frame))
            {
                return Task.FromResult(frame);
            }

            reader = _reader = new TaskCompletionSource<RealtimeFrame>();
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(static state => Inline.Run(() => ((TaskCompletionSource<RealtimeFrame>)state!).TrySetCanceled()), reader);
        }

        return reader.Task;
    }

    public Task CloseAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return Task.CompletedTask;
            }
        }

        _connection?.ClientClosed(RealtimeFrame.NormalClosure);
        // The app answers a close with a close.
        Deliver(RealtimeFrame.Closed(RealtimeFrame.NormalClosure, null));
        return Task.CompletedTask;
    }

    public void Deliver(RealtimeFrame frame)
    {
        TaskCompletionSource<RealtimeFrame>? reader;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = frame.Kind == RealtimeFrameKind.Close;
            reader = _reader;
            _reader = null;
            if (reader is null)
            {
                _inbox.Enqueue(frame);
                return;
            }
        }

        Inline.Run(() => reader.TrySetResult(frame));
    }

    public void Dispose()
    {
        // A socket dropped without a close: the app sees the connection vanish.
        _connection?.ClientClosed(RealtimeFrame.AbnormalClosure);
        lock (_gate)
        {
            _closed = true;
        }
    }
}
