using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// The body of a server-sent-events answer as the parser reads it, watched: past <c>maxEventBytes</c> read
/// since the last event a <see cref="FalProtocolException"/> stops it (the parser would buffer an endless
/// line whole), and a read that waits longer than the idle timeout (on the scheduler; keep-alives count as
/// reads) ends with <see cref="TimeoutException"/>.
/// </summary>
internal sealed class WatchedEventBody(Stream inner, long maxEventBytes, string operation, string? requestId, IScheduler? scheduler, TimeSpan? idleTimeout) : Stream
{
    // One deadline for all of the stream's reads (they come one at a time): no timer or source per read.
    private readonly AttemptDeadline? _idle = scheduler is not null && idleTimeout is { } timeout ? new AttemptDeadline(scheduler, timeout) : null;
    private long _sinceEvent;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Called for each event handed on: the bound counts from here.</summary>
    public void EventDelivered() => _sinceEvent = 0;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, _idle?.Begin(cancellationToken) ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (_idle?.Expired == true && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The {operation} sent nothing, not even a keep-alive, for {idleTimeout!.Value.TotalSeconds:0.###} s.", e);
        }
        finally
        {
            _idle?.End();
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
            _idle?.Dispose();
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
