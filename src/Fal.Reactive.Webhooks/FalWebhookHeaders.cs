
namespace Fal.Reactive;

/// <summary>The four headers fal signs a webhook delivery with. Any may be null: verification reports which is missing.</summary>
public sealed record FalWebhookHeaders
{
    /// <summary><c>X-Fal-Webhook-Request-Id</c>.</summary>
    public const string RequestIdHeader = WebhookMessage.RequestIdHeader;

    /// <summary><c>X-Fal-Webhook-User-Id</c>.</summary>
    public const string UserIdHeader = WebhookMessage.UserIdHeader;

    /// <summary><c>X-Fal-Webhook-Timestamp</c> (Unix seconds).</summary>
    public const string TimestampHeader = WebhookMessage.TimestampHeader;

    /// <summary><c>X-Fal-Webhook-Signature</c> (hex Ed25519 signature).</summary>
    public const string SignatureHeader = WebhookMessage.SignatureHeader;

    /// <summary>The value of <c>X-Fal-Webhook-Request-Id</c>.</summary>
    public string? RequestId { get; init; }

    /// <summary>The value of <c>X-Fal-Webhook-User-Id</c>.</summary>
    public string? UserId { get; init; }

    /// <summary>The value of <c>X-Fal-Webhook-Timestamp</c>.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The value of <c>X-Fal-Webhook-Signature</c>.</summary>
    public string? Signature { get; init; }

    /// <summary>Reads the four headers through a lookup (case-insensitive in every HTTP stack), e.g. <c>name =&gt; request.Headers[name]</c>.</summary>
    /// <param name="header">Returns a header's value by name, or null.</param>
    /// <returns>The headers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> is null.</exception>
    public static FalWebhookHeaders From(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new FalWebhookHeaders
        {
            RequestId = header(RequestIdHeader),
            UserId = header(UserIdHeader),
            Timestamp = header(TimestampHeader),
            Signature = header(SignatureHeader),
        };
    }

    /// <summary>Reads the four headers of an <see cref="HttpRequestMessage"/>'s or <see cref="HttpResponseMessage"/>'s header collection.</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>The headers (a header sent twice reads as its values joined by commas, which then fails verification).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    public static FalWebhookHeaders From(System.Net.Http.Headers.HttpHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return From(name => headers.TryGetValues(name, out var values) ? string.Join(',', values) : null);
    }
}
