using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Fal.Reactive;

/// <summary>
/// A request body read from an <see cref="UploadSource"/> as it is sent, 64 KiB at a time, with progress: a large file
/// is never held in memory. It can be sent once (the source is read once), so calls that carry it are not retried.
/// </summary>
internal sealed class SourceContent : HttpContent
{
    private const int BlockSize = 64 * 1024;
    private readonly UploadSource _source;
    private readonly UploadProgress _progress;

    public SourceContent(UploadSource source, UploadProgress progress)
    {
        _source = source;
        _progress = progress;
        Headers.ContentType = MediaTypeHeaderValue.Parse(source.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int n;
            do
            {
                n = await _source.ReadBlockAsync(buffer.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                _progress.Add(n);
            }
            while (n == BlockSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int n;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                n = _source.ReadBlock(buffer.AsSpan(0, BlockSize));
                stream.Write(buffer, 0, n);
                _progress.Add(n);
            }
            while (n == BlockSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _source.Length ?? -1;
        return _source.Length is not null;
    }
}
