using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// What a temporary token is asked for and answered with: the aliases it is scoped to and the answer's forms. The
/// call itself (<c>POST {rest}/tokens/</c>) is <see cref="RestEndpoint.TokenAsync"/>.
/// </summary>
internal static class TemporaryTokens
{
    /// <summary>The alias a token is scoped to (<c>allowed_apps</c>), as the JS client sends it: <c>fal-ai/fast-sdxl</c> → <c>fast-sdxl</c>.</summary>
    public static string Alias(FalAppId app) => app.BasePath[(app.BasePath.LastIndexOf('/') + 1)..];

    /// <summary>The token answer: a JSON string, or <c>{"token": …}</c> (Python), or <c>{"detail": …}</c> (old proxies).</summary>
    public static string Parse(byte[] body, string forApps)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var token = root.ValueKind switch
            {
                JsonValueKind.String => root.GetString(),
                JsonValueKind.Object when root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String => t.GetString(),
                JsonValueKind.Object when root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String => d.GetString(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(token))
            {
                return token;
            }
        }
        catch (JsonException)
        {
        }

        throw new FalProtocolException($"The token answer for {forApps} is not a token (expected a JSON string, {{\"token\": …}} or {{\"detail\": …}}).");
    }
}

/// <summary>The body of <c>POST {rest}/tokens/</c>.</summary>
internal sealed record TemporaryTokenRequest(string[] AllowedApps, int TokenExpiration);
