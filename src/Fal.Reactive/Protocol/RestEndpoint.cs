using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// fal's REST host (<see cref="FalClientOptions.RestUrl"/>): temporary tokens (<c>POST {rest}/tokens/</c>), for
/// <see cref="FalClient.CreateTemporaryTokenAsync"/> (which realtime connections use too). Storage's calls to this host are
/// in <c>Storage/</c>, with the uploads they belong to.
/// </summary>
internal sealed class RestEndpoint(FalTransport transport)
{
    private static readonly Func<FalAnswer, string> s_token = static a => TemporaryTokens.Parse(a.Body, (string)a.State!);

    /// <summary>
    /// A token for apps' aliases, as the official clients ask; <paramref name="forApps"/> names them in errors.
    /// Retried like fal's other idempotent calls (the JS client retries it too).
    /// </summary>
    public async Task<string> TokenAsync(IReadOnlyList<string> aliases, string forApps, TimeSpan expiration, CancellationToken cancellationToken)
    {
        transport.EnsureCredentials();
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TemporaryTokenRequest([.. aliases], (int)Math.Ceiling(expiration.TotalSeconds)),
            FalJsonContext.Default.TemporaryTokenRequest);
        return await transport.SendAsync(
            async: true,
            new FalCall<string>
            {
                Operation = "token",
                Method = HttpMethod.Post,
                Url = new Uri(transport.Options.RestUrl, "tokens/"),
                Body = body,
                Retry = FalRetryRule.Transient,
                Scheduler = transport.Options.Scheduler,
                State = forApps,
                Parse = s_token,
            },
            cancellationToken).ConfigureAwait(false);
    }
}
