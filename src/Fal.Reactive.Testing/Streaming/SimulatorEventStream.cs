namespace Fal.Reactive.Testing;

/// <summary>
/// The read side of a server-sent event body. The simulator appends events as its scheduler produces them;
/// a reader blocked in <see cref="Read(Span{byte})"/> or <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>
/// wakes up when data arrives and reads 0 once the stream is completed.
/// </summary>
/// <remarks>
/// <see cref="Append"/> and <see cref="Complete"/> return the wake-up of a waiting async reader instead of
/// running it: the simulator calls them under its lock and runs the wake-ups after releasing it, because the
/// reader's continuation runs inline (so that a TestScheduler drives it deterministically) and may call back
/// into the simulator.
/// </remarks>
internal sealed class SimulatorEventStream : Stream
{
    private readonly object _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _chunks = new();
    private TaskCompletionSource? _waiter;
    private Action? _onClosed;
    private int _headOffset;
    private bool _completed;
    private bool _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Gets a value indicating whether the reader disposed the stream (the client went away).</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <summary>Sets what to run once when the reader disposes the stream.</summary>
    public void OnClosed(Action onClosed) => _onClosed = onClosed;

    /// <summary>Appends a chunk; returns the wake-up to run outside the caller's locks, if a reader waits.</summary>
    public Action? Append(ReadOnlyMemory<byte> chunk)
    {
        lock (_gate)
        {
            if (_completed || _disposed)
            {
                return null;
            }

            _chunks.Enqueue(chunk);
            return ReleaseWaiters();
        }
    }

    /// <summary>Ends the stream after the chunks already appended; returns the wake-up as <see cref="Append"/> does.</summary>
    public Action? Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return null;
            }

            _completed = true;
            return ReleaseWaiters();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            while (true)
            {
                if (TryCopy(buffer, out var count))
                {
                    return count;
                }

                if (_completed || _disposed)
                {
                    return 0;
                }

                Monitor.Wait(_gate);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (TryCopy(buffer.Span, out var count))
                {
                    return count;
                }

                if (_completed || _disposed)
                {
                    return 0;
                }

                _waiter ??= new TaskCompletionSource();
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Action? wake;
        Action? onClosed;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _chunks.Clear();
            wake = ReleaseWaiters();
            onClosed = _onClosed;
            _onClosed = null;
        }

        wake?.Invoke();
        onClosed?.Invoke();
        base.Dispose(disposing);
    }

    private Action? ReleaseWaiters()
    {
        Monitor.PulseAll(_gate);
        var waiter = _waiter;
        _waiter = null;
        return waiter is null ? null : waiter.SetResult;
    }

    private bool TryCopy(Span<byte> buffer, out int count)
    {
        count = 0;
        if (buffer.IsEmpty)
        {
            // A zero-byte read waits for data without consuming it.
            return _chunks.Count > 0;
        }

        while (count < buffer.Length && _chunks.TryPeek(out var head))
        {
            var remaining = head[_headOffset..];
            var n = Math.Min(remaining.Length, buffer.Length - count);
            remaining.Span[..n].CopyTo(buffer[count..]);
            count += n;
            _headOffset += n;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        return count > 0;
    }
}
