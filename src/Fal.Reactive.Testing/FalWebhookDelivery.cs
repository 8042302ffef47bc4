using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>A webhook the simulator sent (or, without <see cref="FalSimulatorOptions.WebhookClient"/>, would have sent).</summary>
/// <param name="Time">The scheduler time at which the request finished.</param>
/// <param name="Url">The <c>fal_webhook</c> URL.</param>
/// <param name="RequestId">The request the webhook reports.</param>
/// <param name="Body">The JSON body: <c>request_id</c>, <c>gateway_request_id</c>, <c>status</c> (<c>OK</c> or <c>ERROR</c>), <c>payload</c>, <c>error</c>.</param>
public sealed record FalWebhookDelivery(DateTimeOffset Time, Uri Url, string RequestId, JsonElement Body);
