using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// What fal POSTs to a <c>fal_webhook</c> URL when a queued request ends:
/// <c>{"request_id", "gateway_request_id", "status": "OK"|"ERROR", "payload", "error", "payload_error"}</c>.
/// </summary>
/// <remarks>
/// Trust a webhook only once its signature is verified (<see cref="FalWebhookVerifier"/>): anyone can POST this
/// JSON to a public URL.
/// </remarks>
public sealed record FalWebhook
{
    /// <summary>The request id, as the queue API knows it (<c>request_id</c>).</summary>
    public required string RequestId { get; init; }

    /// <summary>The id of the last attempt (<c>gateway_request_id</c>); equals <see cref="RequestId"/> unless fal retried the request.</summary>
    public string? GatewayRequestId { get; init; }

    /// <summary>Whether the request succeeded (<c>status</c>).</summary>
    public FalWebhookStatus Status { get; init; }

    /// <summary>
    /// The output on success, the error detail on failure (<c>payload</c>); null when fal could not serialize the
    /// output as JSON (then <see cref="PayloadError"/> says why). The element owns its memory.
    /// </summary>
    public JsonElement? Payload { get; init; }

    /// <summary>fal's error message on failure (<c>error</c>), e.g. <c>Invalid status code: 422</c>.</summary>
    public string? Error { get; init; }

    /// <summary>Why <see cref="Payload"/> is null although the request produced an output (<c>payload_error</c>).</summary>
    public string? PayloadError { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="FalWebhookStatus.Ok"/>.</summary>
    public bool IsSuccess => Status == FalWebhookStatus.Ok;

    /// <summary>
    /// Reads a webhook body. Never throws on bad input: invalid JSON, a missing <c>request_id</c> or an unknown
    /// <c>status</c> return false with the reason in <paramref name="error"/>.
    /// </summary>
    /// <param name="json">The raw body (UTF-8 JSON).</param>
    /// <param name="webhook">The webhook, when the body is one.</param>
    /// <param name="error">Why the body is not a webhook, otherwise null.</param>
    /// <returns>Whether <paramref name="json"/> is a webhook.</returns>
    public static bool TryParse(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out FalWebhook? webhook, [NotNullWhen(false)] out string? error)
    {
        webhook = null;
        JsonElement root;
        try
        {
            // Clone: the element must outlive the document, which is disposed here.
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            error = "The body is not JSON: " + e.Message;
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"The body is a JSON {root.ValueKind}, not an object.";
            return false;
        }

        if (String(root, "request_id") is not { Length: > 0 } requestId)
        {
            error = "The body has no request_id string.";
            return false;
        }

        FalWebhookStatus status;
        switch (String(root, "status"))
        {
            case "OK":
                status = FalWebhookStatus.Ok;
                break;
            case "ERROR":
                status = FalWebhookStatus.Error;
                break;
            case var other:
                error = other is null ? "The body has no status string." : $"Unknown status '{other}': expected OK or ERROR.";
                return false;
        }

        webhook = new FalWebhook
        {
            RequestId = requestId,
            GatewayRequestId = String(root, "gateway_request_id"),
            Status = status,
            Payload = root.TryGetProperty("payload", out var payload) && payload.ValueKind != JsonValueKind.Null ? payload : null,
            Error = String(root, "error"),
            PayloadError = String(root, "payload_error"),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// The output of a successful request; for a failed one, throws <see cref="FalHttpException"/> with the request id
    /// and fal's error, as awaiting the request by polling would.
    /// </summary>
    /// <returns>The output JSON.</returns>
    /// <exception cref="FalHttpException">The request failed, or its output was not JSON.</exception>
    public JsonElement GetPayloadOrThrow()
    {
        if (IsSuccess && Payload is { } payload)
        {
            return payload;
        }

        var what = IsSuccess ? PayloadError ?? "no JSON payload" : Error ?? "an error";
        throw new FalHttpException($"fal request {RequestId} ended with {what}.")
        {
            RequestId = RequestId,
            StatusCode = StatusCodeOf(Error),
            Detail = what,
            ResponseBody = Payload?.GetRawText(),
        };
    }

    /// <summary>The code in fal's <c>Invalid status code: 422</c>; 0 when the error names none.</summary>
    private static int StatusCodeOf(string? error)
    {
        const string Prefix = "Invalid status code: ";
        return error is not null && error.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(error.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? code
            : 0;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
