namespace Fal.Reactive;

/// <summary>
/// What an upload reads: a file, a caller's stream or bytes, read once, front to back, in blocks. Knows its length
/// when it can (a file, a seekable stream, a declared length) and fails when the stream ends before it.
/// </summary>
internal sealed class UploadSource : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _start;
    private long _read;

    private UploadSource(Stream stream, bool ownsStream, long? length, string fileName, string contentType)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _start = ownsStream && stream.CanSeek ? stream.Position : 0;
        Length = length;
        FileName = fileName;
        ContentType = contentType;
    }

    /// <summary>Gets the number of bytes to upload, when known.</summary>
    public long? Length { get; }

    public string FileName { get; }

    public string ContentType { get; }

    /// <summary>
    /// Gets whether the bytes can be read again from the start: bytes and files (streams opened here), not a
    /// caller's stream, which is read once whatever it can do (its position is the caller's).
    /// </summary>
    public bool CanRewind => _ownsStream && _stream.CanSeek;

    /// <summary>Back to the first byte, for another attempt (only when <see cref="CanRewind"/>).</summary>
    public void Rewind()
    {
        if (!CanRewind)
        {
            throw new InvalidOperationException("This upload source is read once.");
        }

        _stream.Position = _start;
        _read = 0;
    }

    /// <summary>Opens the file now, so that a missing or unreadable one fails before anything is sent.</summary>
    public static UploadSource FromFile(FileInfo file, FalUploadOptions options)
    {
        var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var name = options.FileName ?? file.Name;
        return new UploadSource(stream, ownsStream: true, stream.Length, name, options.ContentType ?? FalStorage.ContentTypeOf(name));
    }

    /// <summary>The caller's stream, from its position; not disposed here.</summary>
    public static UploadSource FromStream(Stream stream, FalUploadOptions options)
    {
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        if (options.ContentLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ContentLength, "ContentLength cannot be negative.");
        }

        var length = stream.CanSeek ? stream.Length - stream.Position : options.ContentLength;
        var name = options.FileName ?? (stream is FileStream file ? Path.GetFileName(file.Name) : FileStoreDefaults.FileName);
        return new UploadSource(stream, ownsStream: false, length, name, options.ContentType ?? FalStorage.ContentTypeOf(name));
    }

    public static UploadSource FromBytes(ReadOnlyMemory<byte> data, string fileName, string contentType) =>
        new(new ReadOnlyMemoryStream(data), ownsStream: true, data.Length, fileName, contentType);

    /// <summary>
    /// Fills <paramref name="buffer"/> (fewer bytes only at the end; never past <see cref="Length"/>). A stream that ends
    /// before its length fails with <see cref="FalUploadException"/>.
    /// </summary>
    public async ValueTask<int> ReadBlockAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        buffer = Cap(buffer);
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return Count(total, buffer.Length);
    }

    /// <summary>The synchronous <see cref="ReadBlockAsync"/>, for content that an HTTP handler reads synchronously.</summary>
    public int ReadBlock(Span<byte> buffer)
    {
        buffer = buffer[..Cap(buffer.Length)];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return Count(total, buffer.Length);
    }

    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private Memory<byte> Cap(Memory<byte> buffer) => buffer[..Cap(buffer.Length)];

    private int Cap(int length) => Length is { } total ? (int)Math.Min(length, total - _read) : length;

    private int Count(int read, int wanted)
    {
        _read += read;
        if (read < wanted && Length is { } length && _read < length)
        {
            throw new FalUploadException($"The stream ended after {_read} bytes, before its declared length of {length} bytes: nothing was stored.");
        }

        return read;
    }

    /// <summary>A read-only stream over memory (MemoryStream would copy a ReadOnlyMemory).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => _position = (int)Math.Clamp(value, 0, data.Length); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, data.Length - _position);
            data.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => data.Length + offset };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>fal's defaults for an upload without a name.</summary>
internal static class FileStoreDefaults
{
    public const string FileName = "upload.bin";
}
