using System.Buffers;

namespace Fal.Reactive.AspNetCore;

/// <summary>A delivery's raw body, read within the endpoint's bound.</summary>
internal static class WebhookBody
{
    private const int FirstChunk = 4 * 1024;
    private const int LargestChunk = 1024 * 1024;

    /// <summary>
    /// The raw body, or null when it is larger than the bound (refused by its Content-Length before reading when it
    /// has one). Held as it arrives in pooled chunks (4 KiB first, doubling to 1 MiB), never sized by the announced
    /// length, then copied once into an array of its length: a body of n bytes costs n, plus at most n pooled while it is read.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? contentLength, long max, CancellationToken cancellationToken)
    {
        if (contentLength > max)
        {
            return null;
        }

        var chunks = new List<byte[]>(4);
        var length = 0L;
        var filled = 0; // in the last chunk
        try
        {
            while (true)
            {
                if (chunks.Count == 0 || filled == chunks[^1].Length)
                {
                    chunks.Add(ArrayPool<byte>.Shared.Rent(chunks.Count == 0 ? FirstChunk : Math.Min(2 * chunks[^1].Length, LargestChunk)));
                    filled = 0;
                }

                var read = await body.ReadAsync(chunks[^1].AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return Joined(chunks, length);
                }

                filled += read;
                length += read;
                if (length > max)
                {
                    return null;
                }
            }
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private static byte[] Joined(List<byte[]> chunks, long length)
    {
        var joined = GC.AllocateUninitializedArray<byte>(checked((int)length));
        var at = 0;
        foreach (var chunk in chunks)
        {
            var count = Math.Min(chunk.Length, joined.Length - at);
            chunk.AsSpan(0, count).CopyTo(joined.AsSpan(at));
            at += count;
        }

        return joined;
    }
}
