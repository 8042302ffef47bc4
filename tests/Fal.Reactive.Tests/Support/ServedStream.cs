using System.Text;

namespace Fal.Reactive.Tests.Support;

/// <summary>
/// A non-seekable body (so no Content-Length unless one is set): a prefix, then filler up to
/// <paramref name="total"/> bytes, or without end. Counts what the client actually read.
/// </summary>
internal sealed class ServedStream(string prefix, long? total, byte filler = (byte)'x', string suffix = "") : Stream
{
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);
    private readonly byte[] _suffix = Encoding.UTF8.GetBytes(suffix);

    public long Served { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Served; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = 0;
        while (n < count && (total is null || Served < total))
        {
            var position = Served;
            buffer[offset + n] = position < _prefix.Length
                ? _prefix[position]
                : total is { } t && position >= t - _suffix.Length ? _suffix[position - (t - _suffix.Length)] : filler;
            Served++;
            n++;
        }

        return n;
    }

    // Synchronous: a default ReadAsync would read on the thread pool, outside virtual time.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var array = new byte[buffer.Length];
        var n = Read(array, 0, array.Length);
        array.AsSpan(0, n).CopyTo(buffer.Span);
        return new ValueTask<int>(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
