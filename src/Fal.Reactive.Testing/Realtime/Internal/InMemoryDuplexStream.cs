
namespace Fal.Reactive.Testing;

/// <summary>
/// One end of an in-memory byte pipe in both directions, carrying a WebSocket between the client and the realtime
/// simulator. Writes complete at once; a pending read completes inline, with no synchronization context, on the
/// writer's thread (under a <c>TestScheduler</c>, the reader runs at the very tick the writer wrote). Disposing an end
/// is a dropped connection: the other end reads end-of-stream.
/// </summary>
internal sealed class InMemoryDuplexStream : Stream
{
    private readonly object _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private InMemoryDuplexStream _peer = null!;
    private byte[]? _current;
    private int _offset;
    private bool _ended;
    private TaskCompletionSource? _waiting;

    private InMemoryDuplexStream()
    {
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Two connected ends: what one writes, the other reads.</summary>
    public static (InMemoryDuplexStream Client, InMemoryDuplexStream Server) CreatePair()
    {
        var client = new InMemoryDuplexStream();
        var server = new InMemoryDuplexStream();
        client._peer = server;
        server._peer = client;
        return (client, server);
    }

    public override void Flush()
    {
    }

    // Stream's default FlushAsync goes to the thread pool; nothing is buffered here.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Write(byte[] buffer, int offset, int count) => _peer.Push(buffer.AsSpan(offset, count).ToArray());

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _peer.Push(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_current is null && _chunks.TryDequeue(out var next))
                {
                    _current = next;
                    _offset = 0;
                }

                if (_current is not null)
                {
                    var count = Math.Min(buffer.Length, _current.Length - _offset);
                    _current.AsSpan(_offset, count).CopyTo(buffer.Span);
                    _offset += count;
                    if (_offset == _current.Length)
                    {
                        _current = null;
                    }

                    return count;
                }

                if (_ended)
                {
                    return 0;
                }

                _waiting ??= new TaskCompletionSource();
                wait = _waiting.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Both directions end: the peer reads end-of-stream, as after a dropped TCP connection.
            End();
            _peer.End();
        }

        base.Dispose(disposing);
    }

    private void Push(byte[] data)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _chunks.Enqueue(data);
        }

        Wake();
    }

    private void End()
    {
        lock (_gate)
        {
            _ended = true;
        }

        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            waiting = _waiting;
            _waiting = null;
        }

        if (waiting is not null)
        {
            InlineContinuations.Run(waiting, static w => w.TrySetResult());
        }
    }
}
