namespace Fal.Reactive;

/// <summary>
/// The body of a server-sent-events answer as the parser reads it, watched: past <c>maxEventBytes</c> read
/// since the last event a <see cref="FalProtocolException"/> stops it (the parser would buffer an endless
/// line whole), and a silence longer than the stream's <see cref="IdleTimeout"/> ends it with
/// <see cref="FalTimeoutException"/>.
/// </summary>
internal sealed class WatchedEventBody(Stream inner, long maxEventBytes, string operation, string? requestId, IdleTimeout? idle) : Stream
{
    private long _sinceEvent;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Called for each event handed on: the bound counts from here, and an event with data ends the idle wait.</summary>
    public void EventDelivered(bool withData)
    {
        _sinceEvent = 0;
        if (withData)
        {
            idle?.Arrived();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, idle?.Watch(cancellationToken) ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (idle?.Expired == true && !cancellationToken.IsCancellationRequested)
        {
            throw idle.TimedOut(e);
        }

        if (read > 0 && idle is { AnyBytesCount: true })
        {
            idle.Arrived();
        }

        return Count(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _sinceEvent += read;
        return _sinceEvent > maxEventBytes ? throw FalBody.TooLarge(operation + " event", requestId, maxEventBytes, length: null) : read;
    }
}
