using System.Globalization;
using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// The webhooks sent when requests finish: signed as fal signs them, recorded, and POSTed when a client is
/// configured. Also serves the signing key's JWKS.
/// </summary>
internal sealed class WebhookOutbox(HttpClient? client, FalWebhookSigningKey key, string userId)
{
    private readonly Queue<FalWebhookDelivery> _sent = new();
    private readonly ReadOnlyMemory<byte> _jwks = System.Text.Encoding.UTF8.GetBytes(FalWebhookSigningKey.ToJwks(key));

    public IEnumerable<FalWebhookDelivery> Sent => _sent;

    /// <summary>Forgets the oldest webhooks beyond <paramref name="max"/> and those sent before <paramref name="cutoff"/>.</summary>
    public void Drop(int max, DateTimeOffset cutoff)
    {
        while (_sent.TryPeek(out var oldest) && (_sent.Count > max || oldest.Time < cutoff))
        {
            _sent.Dequeue();
        }
    }

    public FalWebhookSigningKey Key => key;

    /// <summary><c>GET {rest}.well-known/jwks.json</c>: the public key, as fal publishes its own.</summary>
    public SimulatorHttpResponse Jwks() => SimulatorHttpResponse.Json(200, _jwks);

    /// <summary>Records the webhook of a finished request that asked for one, signed at <paramref name="now"/>, and defers its delivery.</summary>
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

        // Signed over the exact bytes POSTed: a receiver hashes what it got, so they must not be serialized twice.
        var bytes = SimulatorJson.ToBytes(body);
        var headers = key.Sign(record.Id, userId, now, bytes);
        _sent.Enqueue(new FalWebhookDelivery(now, url, record.Id, body) { Headers = headers, RawBody = bytes });
        if (client is { } http)
        {
            deferred.Add(() => _ = PostAsync(http, url, bytes, headers));
        }
    }

    private static async Task PostAsync(HttpClient client, Uri url, byte[] body, IReadOnlyDictionary<string, string> headers)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request).ConfigureAwait(false);
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
