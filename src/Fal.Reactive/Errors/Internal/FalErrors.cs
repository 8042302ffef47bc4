using System.Net;
using System.Text;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Turns fal's error answers into <see cref="FalHttpException"/>s.</summary>
internal static class FalErrors
{
    private const int MaxDetailLength = 2000;

    /// <summary>An error answer as an exception; <paramref name="redact"/> removes the key from every text taken from the answer.</summary>
    /// <remarks>An <c>x-fal-request-id</c> that <paramref name="holdsSecret"/> (it holds the key) is not taken as the request's id.</remarks>
    public static FalHttpException FromResponse(
        HttpResponseMessage response, byte[] body, string operation, string? requestId, Func<string?, string?>? redact = null, Func<string?, bool>? holdsSecret = null)
    {
        redact ??= static text => text;
        var status = (int)response.StatusCode;
        requestId ??= RequestIdOf(response) is { } named && holdsSecret?.Invoke(named) != true ? named : null;
        // Redacted whole, before anything is cut to MaxDetailLength: a cut through the key would leave its tail behind.
        var text = body.Length == 0 ? string.Empty : redact(Encoding.UTF8.GetString(body))!;
        var (detail, errorType, validation) = ParseBody(text);
        detail = redact(detail);
        errorType = redact(errorType);
        validation = [.. validation.Select(v => new FalValidationError([.. v.Loc.Select(l => redact(l)!)], redact(v.Msg)!, redact(v.Type)) { Url = redact(v.Url) })];
        var reason = redact(response.ReasonPhrase);
        errorType ??= redact(Header(response, "x-fal-error-type"));
        var timeoutType = response.StatusCode == HttpStatusCode.GatewayTimeout ? redact(Header(response, "x-fal-request-timeout-type")) : null;
        // "user" alone is the caller's start timeout (the JS client's ApiError.isUserTimeout); any value stops retries (fal_client).
        var isUserTimeout = string.Equals(timeoutType, "user", StringComparison.OrdinalIgnoreCase);

        var message = new StringBuilder("fal ").Append(operation);
        if (requestId is not null)
        {
            message.Append(" of request ").Append(requestId);
        }

        message.Append(" failed with HTTP ").Append(status);
        if (!string.IsNullOrEmpty(reason))
        {
            message.Append(" (").Append(reason).Append(')');
        }

        if (isUserTimeout)
        {
            message.Append(": the start timeout expired before a runner began the request");
        }
        else if (!string.IsNullOrEmpty(detail))
        {
            message.Append(": ").Append(detail);
        }

        return new FalHttpException(message.ToString())
        {
            StatusCode = status,
            Detail = detail,
            ErrorType = errorType,
            ValidationErrors = validation,
            IsUserTimeout = isUserTimeout,
            TimeoutType = timeoutType,
            Retryable = RetryableOf(response),
            RequestId = requestId,
            ResponseBody = text.Length == 0 ? null : Truncate(text),
        };
    }

    private static (string? Detail, string? ErrorType, IReadOnlyList<FalValidationError> Validation) ParseBody(string body)
    {
        if (body.Length == 0)
        {
            return (null, null, []);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Truncate(body), null, []);
            }

            var errorType = root.TryGetProperty("error_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (!root.TryGetProperty("detail", out var detail))
            {
                return (Truncate(root.GetRawText()), errorType, []);
            }

            if (detail.ValueKind == JsonValueKind.Array)
            {
                var errors = detail.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(ParseValidationError).ToArray();
                return (string.Join("; ", errors.Select(e => e.ToString())), errorType, errors);
            }

            return (detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText(), errorType, []);
        }
        catch (JsonException)
        {
            return (Truncate(body.Trim()), null, []);
        }
    }

    private static FalValidationError ParseValidationError(JsonElement e)
    {
        var loc = e.TryGetProperty("loc", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToArray()
            : [];
        var msg = e.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        var type = e.TryGetProperty("type", out var ty) && ty.ValueKind == JsonValueKind.String ? ty.GetString() : null;
        var url = e.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        return new FalValidationError(loc, msg, type) { Url = url };
    }

    /// <summary>fal's <c>X-Fal-Retryable</c> (<c>true</c>/<c>false</c>, any case); null when absent or neither.</summary>
    public static bool? RetryableOf(HttpResponseMessage response) =>
        Header(response, "x-fal-retryable")?.Trim() switch
        {
            { } v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            { } v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };

    /// <summary>The request id fal puts on its answers (<c>x-fal-request-id</c>), if any.</summary>
    public static string? RequestIdOf(HttpResponseMessage response) => Header(response, "x-fal-request-id");

    // Read without validation or an enumerator: this runs on every answer (EnsureSameRequest).
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? FirstOf(values) : null;

    private static string? FirstOf(System.Net.Http.Headers.HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    private static string Truncate(string text) => text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";
}
