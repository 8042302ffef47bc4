using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing.Queue;

/// <summary>The webhooks sent when requests finish: recorded, and POSTed when a client is configured.</summary>
internal sealed class WebhookOutbox(HttpClient? client)
{
    private readonly Queue<FalWebhookDelivery> _sent = new();

    public IEnumerable<FalWebhookDelivery> Sent => _sent;

    /// <summary>Forgets the oldest webhooks beyond <paramref name="max"/> and those sent before <paramref name="cutoff"/>.</summary>
    public void Drop(int max, DateTimeOffset cutoff)
    {
        while (_sent.TryPeek(out var oldest) && (_sent.Count > max || oldest.Time < cutoff))
        {
            _sent.Dequeue();
        }
    }

    /// <summary>Records the webhook of a finished request that asked for one and defers its delivery.</summary>
    public void Send(RequestRecord record, DateTimeOffset now, DeferredActions deferred)
    {
        if (record.WebhookUrl is not { } url || record.Outcome is not { } outcome)
        {
            return;
        }

        var body = SimulatorJson.Object(w =>
        {
            w.WriteString("request_id", record.Id);
            w.WriteString("gateway_request_id", record.Id);
            w.WriteString("status", outcome.IsSuccess ? "OK" : "ERROR");
            w.WritePropertyName("payload");
            WriteJsonOrNull(w, outcome.Body);
            if (outcome.IsSuccess)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteString("error", "Invalid status code: " + outcome.StatusCode.ToString(CultureInfo.InvariantCulture));
            }
        });
        _sent.Enqueue(new FalWebhookDelivery(now, url, record.Id, body));
        if (client is { } http)
        {
            deferred.Add(() => _ = PostAsync(http, url, body));
        }
    }

    private static async Task PostAsync(HttpClient client, Uri url, JsonElement body)
    {
        try
        {
            using var content = new ByteArrayContent(SimulatorJson.ToBytes(body));
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Like fal after its retries: an unreachable webhook is the receiver's problem, not the request's.
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void WriteJsonOrNull(Utf8JsonWriter writer, ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteNullValue();
        }
    }
}
