using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// Reads a server-sent-events answer (fal's status stream and streaming runs) with
/// <see cref="SseParser"/>: the data of each event, as its UTF-8 bytes. Keep-alive comments and events
/// without data carry nothing and are skipped.
/// </summary>
internal static class FalEventStream
{
    public static async IAsyncEnumerable<byte[]> ReadAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(body, static (_, data) => data.ToArray()).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data.Length > 0)
            {
                yield return item.Data;
            }
        }
    }
}
