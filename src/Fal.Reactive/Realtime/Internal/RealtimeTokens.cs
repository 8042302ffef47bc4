using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The built-in token fetch: <c>POST {rest}/tokens/</c> with the key, for the app's alias, as the official clients
/// ask; retried like fal's other idempotent calls (the JS client retries it too).
/// </summary>
internal static class RealtimeTokens
{
    public static async Task<string> FetchAsync(FalTransport transport, FalAppId app, TimeSpan expiration, CancellationToken cancellationToken)
    {
        transport.EnsureCredentials();
        var url = new Uri(transport.Options.RestUrl, "tokens/");
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["allowed_apps"] = new[] { RealtimeUrl.Alias(app) },
            ["token_expiration"] = (int)Math.Ceiling(expiration.TotalSeconds),
        });
        return await transport.SendAsync(
            async: true,
            "realtime token",
            requestId: null,
            () => transport.CreateRequest(HttpMethod.Post, url, body, headers: null),
            (_, answer) => RealtimeTokenSource.Parse(answer, app.Id),
            FalRetryRule.Transient,
            transport.Options.Scheduler,
            cancellationToken).ConfigureAwait(false);
    }
}
