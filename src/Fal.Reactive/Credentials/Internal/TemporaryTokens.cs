using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The one token fetch: <c>POST {rest}/tokens/</c> with the key, for apps' aliases, as the official clients ask
/// (<see cref="FalClient.CreateTemporaryTokenAsync"/>, which realtime connections call too); retried like fal's other
/// idempotent calls (the JS client retries it too).
/// </summary>
internal static class TemporaryTokens
{
    /// <summary>A token for several apps' aliases; <paramref name="forApps"/> names them in errors.</summary>
    public static async Task<string> FetchAsync(FalTransport transport, IReadOnlyList<string> aliases, string forApps, TimeSpan expiration, CancellationToken cancellationToken)
    {
        transport.EnsureCredentials();
        var url = new Uri(transport.Options.RestUrl, "tokens/");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TemporaryTokenRequest([.. aliases], (int)Math.Ceiling(expiration.TotalSeconds)),
            FalJsonContext.Default.TemporaryTokenRequest);
        return await transport.SendAsync(
            async: true,
            "token",
            requestId: null,
            () => transport.CreateRequest(HttpMethod.Post, url, body, headers: null),
            (_, answer) => Parse(answer, forApps),
            FalRetryRule.Transient,
            transport.Options.Scheduler,
            cancellationToken).ConfigureAwait(false);
    }

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
