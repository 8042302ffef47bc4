using System.Globalization;
using System.Reactive.Concurrency;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// fal's platform API host (<see cref="FalClientOptions.ApiUrl"/>): <c>GET {api}v1/models/requests/by-endpoint</c>, an endpoint's
/// requests in a time window with their inputs, read page by page. Used only to settle a submit whose answer a crash cut off
/// (<see cref="FalDurableClient"/>); every page must answer, or the listing is unavailable (a partial listing proves nothing).
/// </summary>
internal sealed class ApiEndpoint(FalTransport transport)
{
    private static readonly Func<FalAnswer, (List<Listed> Items, bool More, string? Cursor)> s_page = static a => Parse(a.Body);

    private const int PageSize = 100;

    /// <summary>One listed request: its id and the hash of its input (null when fal listed none).</summary>
    public readonly record struct Listed(string RequestId, string? InputHash);

    public async Task<List<Listed>> ListRequestsAsync(FalAppId app, DateTimeOffset start, DateTimeOffset end, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var listed = new List<Listed>();
        string? cursor = null;
        do
        {
            var query = "v1/models/requests/by-endpoint?endpoint_id=" + Uri.EscapeDataString(app.Id)
                + "&start=" + Uri.EscapeDataString(start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                + "&end=" + Uri.EscapeDataString(end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                + "&expand=payloads&limit=" + PageSize.ToString(CultureInfo.InvariantCulture)
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await transport.SendAsync(
                async: true,
                new FalCall<(List<Listed> Items, bool More, string? Cursor)>
                {
                    Operation = "list requests",
                    Method = HttpMethod.Get,
                    Url = new Uri(transport.Options.ApiUrl, query),
                    Retry = FalRetryRule.Transient,
                    MaxBytes = transport.Options.MaxResultBytes,
                    Scheduler = scheduler,
                    Parse = s_page,
                },
                cancellationToken).ConfigureAwait(false);
            listed.AddRange(page.Items);
            cursor = page.More ? page.Cursor ?? throw new FalProtocolException("The request listing said has_more without a next_cursor.") : null;
        }
        while (cursor is not null);
        return listed;
    }

    private static (List<Listed> Items, bool More, string? Cursor) Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var items = new List<Listed>();
            foreach (var item in root.GetProperty("items").EnumerateArray())
            {
                var id = item.GetProperty("request_id").GetString() ?? throw new FalProtocolException("A listed request has no request_id.");
                var hash = item.TryGetProperty("json_input", out var input) && input.ValueKind != JsonValueKind.Null ? InputHash.Of(input) : null;
                items.Add(new Listed(id, hash));
            }

            var more = root.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True;
            var cursor = root.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            return (items, more, cursor);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FalProtocolException("The request listing's answer is not the documented shape.", e);
        }
    }
}
