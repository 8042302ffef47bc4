using System.Buffers;

namespace Fal.Reactive;

/// <summary>
/// Reads an answer's body with a bound, without the copies of a growing buffer: into pooled chunks (the first
/// small, as most answers are) copied once into an array of the final length. Nothing is allocated for bytes
/// that have not arrived: an announced <c>Content-Length</c> only refuses an answer over the bound up front, so
/// a server that announces 1 MiB and sends nothing costs one 4 KiB pooled chunk. Peak memory is about twice the
/// body at most (the chunks and the final array); past the bound nothing more is read.
/// </summary>
internal static class FalBody
{
    private const int FirstChunkSize = 4 * 1024;
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// The body, or, past <paramref name="limit"/> bytes, a <see cref="FalProtocolException"/> (or, when
    /// <paramref name="truncate"/>, the first <paramref name="limit"/> bytes: enough of an error answer).
    /// </summary>
    public static async ValueTask<byte[]> ReadAsync(
        bool async, HttpContent content, long limit, bool truncate, string operation, string? requestId, CancellationToken cancellationToken)
    {
        // Read once: the getter parses the header (or asks the content to compute it) each time.
        var announced = content.Headers.ContentLength;
        if (announced is { } length && length > limit && !truncate)
        {
            throw TooLarge(operation, requestId, limit, length);
        }

        using var stream = async
            ? await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)
            : content.ReadAsStream(cancellationToken);
        return await ReadChunkedAsync(async, stream, limit, truncate, operation, requestId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An answer larger than the bound the caller configured.</summary>
    public static FalProtocolException TooLarge(string operation, string? requestId, long limit, long? length)
    {
        var what = requestId is null ? $"The {operation} answer" : $"Request {requestId}: the {operation} answer";
        var size = length is { } l ? $"{l} bytes" : "more";
        return new FalProtocolException($"{what} is {size}, over the bound of {limit} bytes (FalClientOptions.MaxStatusBytes or MaxResultBytes); it was not read.")
        {
            RequestId = requestId,
        };
    }

    private static async ValueTask<byte[]> ReadChunkedAsync(
        bool async, Stream stream, long limit, bool truncate, string operation, string? requestId, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        long total = 0;
        try
        {
            while (true)
            {
                var size = chunks.Count == 0 ? FirstChunkSize : ChunkSize;
                var chunk = ArrayPool<byte>.Shared.Rent(size);
                chunks.Add(chunk);
                var read = await ReadAtMostAsync(async, stream, chunk.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                total += read;
                if (total > limit)
                {
                    if (!truncate)
                    {
                        throw TooLarge(operation, requestId, limit, length: null);
                    }

                    total = limit;
                    break;
                }

                if (read < size)
                {
                    break;
                }
            }

            var body = new byte[total];
            var offset = 0;
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                var n = (int)Math.Min(i == 0 ? FirstChunkSize : ChunkSize, total - offset);
                chunk.AsSpan(0, n).CopyTo(body.AsSpan(offset));
                offset += n;
                if (offset == total)
                {
                    break;
                }
            }

            return body;
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Fills <paramref name="buffer"/> or reads to the end; the number of bytes read.</summary>
    private static async ValueTask<int> ReadAtMostAsync(bool async, Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = async
                ? await stream.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false)
                : stream.Read(buffer.Span[filled..]);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }
}
