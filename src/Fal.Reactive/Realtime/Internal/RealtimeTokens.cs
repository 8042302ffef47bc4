using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The one token fetch: <c>POST {rest}/tokens/</c> with the key, for apps' aliases, as the official clients ask
/// (realtime connections and <see cref="FalClient.CreateTemporaryTokenAsync"/>); retried like fal's other
/// idempotent calls (the JS client retries it too).
/// </summary>
internal static class RealtimeTokens
{
    public static Task<string> FetchAsync(FalTransport transport, FalAppId app, TimeSpan expiration, CancellationToken cancellationToken) =>
        FetchAsync(transport, [RealtimeUrl.Alias(app)], app.Id, expiration, cancellationToken);

    /// <summary>A token for several apps' aliases (<see cref="FalClient.CreateTemporaryTokenAsync"/>); <paramref name="forApps"/> names them in errors.</summary>
    public static async Task<string> FetchAsync(FalTransport transport, IReadOnlyList<string> aliases, string forApps, TimeSpan expiration, CancellationToken cancellationToken)
    {
        transport.EnsureCredentials();
        var url = new Uri(transport.Options.RestUrl, "tokens/");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new RealtimeTokenRequest([.. aliases], (int)Math.Ceiling(expiration.TotalSeconds)),
            FalJsonContext.Default.RealtimeTokenRequest);
        return await transport.SendAsync(
            async: true,
            "token",
            requestId: null,
            () => transport.CreateRequest(HttpMethod.Post, url, body, headers: null),
            (_, answer) => RealtimeTokenSource.Parse(answer, forApps),
            FalRetryRule.Transient,
            transport.Options.Scheduler,
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The body of <c>POST {rest}/tokens/</c>.</summary>
internal sealed record RealtimeTokenRequest(string[] AllowedApps, int TokenExpiration);

/// <summary>Why the realtime serializer's reflection is not reported where it happens.</summary>
internal static class RealtimeJson
{
    public const string Justification =
        "A realtime connection is only made by FalClient.Realtime, which is marked [RequiresUnreferencedCode] and " +
        "[RequiresDynamicCode]: its caller has been warned, and these members run only for connections it made.";
}
