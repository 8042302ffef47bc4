using System.Globalization;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// A CDN upload token from <c>POST {rest}storage/auth/token?storage_type=fal-cdn-v3</c>: sent as
/// <c>Authorization: {TokenType} {Token}</c> to <see cref="BaseUrl"/> only. Never in a message or ToString.
/// </summary>
internal sealed class CdnToken(string token, string tokenType, Uri baseUrl, DateTimeOffset? expiresAt)
{
    public Uri BaseUrl { get; } = baseUrl;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    public string AuthorizationValue { get; } = tokenType + " " + token;

    /// <summary>A URL under the CDN's base: <c>{base_url}/{path}</c> (fal gives the base without a trailing slash).</summary>
    public Uri Url(string path) => new(BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + path);

    public static CdnToken Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var token = String(root, "token");
            var baseUrl = String(root, "base_url");
            if (token is null || baseUrl is null || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var url))
            {
                throw new FalProtocolException("The storage token answer has no token or no absolute base_url.");
            }

            DateTimeOffset? expiresAt = String(root, "expires_at") is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
            return new CdnToken(token, String(root, "token_type") ?? "Bearer", url, expiresAt);
        }
        catch (JsonException e)
        {
            throw new FalProtocolException("The storage token answer is not JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new FalProtocolException("The storage token answer is not a JSON object.", e);
        }
    }

    public override string ToString() => $"CDN token for {BaseUrl.GetLeftPart(UriPartial.Authority)}";

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
