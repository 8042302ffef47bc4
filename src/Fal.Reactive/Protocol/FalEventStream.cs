using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// Reads a server-sent-events answer (fal's status stream and streaming runs) with
/// <see cref="SseParser"/>: the data of each event, as its UTF-8 bytes. Keep-alive comments and events
/// without data carry nothing and are skipped. Each event is bounded in size and, when the caller gives its
/// <see cref="IdleTimeout"/>, the stream in silence (see <see cref="WatchedEventBody"/>).
/// </summary>
internal static class FalEventStream
{
    public static async IAsyncEnumerable<byte[]> ReadAsync(
        HttpResponseMessage response,
        long maxEventBytes,
        string operation,
        string? requestId,
        IdleTimeout? idle,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var raw = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var body = new WatchedEventBody(raw, maxEventBytes, operation, requestId, idle);
        await foreach (var item in SseParser.Create(body, static (_, data) => data.ToArray()).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            body.EventDelivered(withData: item.Data.Length > 0);
            if (item.Data.Length > 0)
            {
                yield return item.Data;
            }
        }
    }
}
