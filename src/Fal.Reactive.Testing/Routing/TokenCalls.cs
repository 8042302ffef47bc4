using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// <c>POST {rest}tokens/</c> as fal answers it: body <c>{"allowed_apps":[…],"token_expiration":seconds}</c> with the
/// key, answer the token as a JSON string. The token is scoped to the key's owner and to the apps asked for.
/// </summary>
internal static class TokenCalls
{
    /// <summary>The longest lifetime a token may be asked for (the client allows up to 24 h as well).</summary>
    public static readonly TimeSpan MaxExpiration = TimeSpan.FromHours(24);

    public static SimulatorHttpResponse Issue(KeyCheck keys, SimulatorHttpRequest request, string? owner)
    {
        if (!TryReadRequest(request.Body.Span, MaxExpiration, out var apps, out var lifetime))
        {
            return SimulatorHttpResponse.Detail(422, "Expected {\"allowed_apps\": [\"<alias>\", …], \"token_expiration\": <seconds>} with an expiration from 1 s to 24 h.");
        }

        return SimulatorHttpResponse.Json(201, JsonSerializer.SerializeToUtf8Bytes(keys.Tokens.Issue(owner, apps, lifetime)));
    }

    /// <summary>
    /// Reads a token request's body, the one reading for the HTTP model and the realtime simulator: the non-empty
    /// <c>allowed_apps</c> and a <c>token_expiration</c> from 1 s to <paramref name="maxLifetime"/>.
    /// </summary>
    public static bool TryReadRequest(ReadOnlySpan<byte> body, TimeSpan maxLifetime, out List<string> apps, out TimeSpan lifetime)
    {
        apps = [];
        lifetime = TimeSpan.Zero;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("allowed_apps", out var allowed) && allowed.ValueKind == JsonValueKind.Array)
            {
                apps.AddRange(allowed.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String && a.GetString()!.Trim('/').Length > 0).Select(a => a.GetString()!));
            }

            if (root.TryGetProperty("token_expiration", out var expiration) && expiration.TryGetInt32(out var seconds))
            {
                lifetime = TimeSpan.FromSeconds(seconds);
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return apps.Count > 0 && lifetime >= TimeSpan.FromSeconds(1) && lifetime <= maxLifetime;
    }
}
