using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>A body that sends nothing, ever (or one keep-alive after a while, then nothing); a read ends only when cancelled.</summary>
internal sealed class SilentStream(TestScheduler? scheduler = null, TimeSpan keepAliveAfter = default) : Stream
{
    private bool _keptAlive;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => 0; set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = new TaskCompletionSource<int>();
        cancellationToken.Register(() => read.TrySetCanceled(cancellationToken));
        if (scheduler is not null && !_keptAlive)
        {
            _keptAlive = true;
            scheduler.ScheduleRelative(0, keepAliveAfter.Ticks, (_, _) =>
            {
                var keepAlive = ": keep-alive\n\n"u8;
                keepAlive.CopyTo(buffer.Span);
                // Completed with no synchronization context, so the reader goes on at this very tick.
                var context = SynchronizationContext.Current;
                SynchronizationContext.SetSynchronizationContext(null);
                read.TrySetResult(keepAlive.Length);
                SynchronizationContext.SetSynchronizationContext(context);
                return System.Reactive.Disposables.Disposable.Empty;
            });
        }

        return new ValueTask<int>(read.Task);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
