using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>A webhook the simulator sent (or, without <see cref="FalSimulatorOptions.WebhookClient"/>, would have sent).</summary>
/// <param name="Time">The scheduler time at which the request finished.</param>
/// <param name="Url">The <c>fal_webhook</c> URL.</param>
/// <param name="RequestId">The request the webhook reports.</param>
/// <param name="Body">The JSON body: <c>request_id</c>, <c>gateway_request_id</c>, <c>status</c> (<c>OK</c> or <c>ERROR</c>), <c>payload</c>, <c>error</c>.</param>
public sealed record FalWebhookDelivery(DateTimeOffset Time, Uri Url, string RequestId, JsonElement Body)
{
    /// <summary>Gets the signature headers sent with the body (<c>X-Fal-Webhook-Request-Id</c>, <c>-User-Id</c>, <c>-Timestamp</c>, <c>-Signature</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the exact bytes POSTed (and signed): <see cref="Body"/> as sent.</summary>
    public ReadOnlyMemory<byte> RawBody { get; init; }
}
