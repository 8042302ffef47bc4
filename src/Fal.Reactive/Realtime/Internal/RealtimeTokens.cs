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
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["allowed_apps"] = aliases,
            ["token_expiration"] = (int)Math.Ceiling(expiration.TotalSeconds),
        });
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
