namespace Fal.Reactive;

/// <summary>
/// Holds the CDN token between uploads, as fal_client's <c>CDNTokenManager</c> does, and fetches a new one before the old
/// expires: a token is used until a tenth of its lifetime (at most five minutes) is left, measured on the client's
/// scheduler clock, so virtual time drives it. Concurrent uploads share one fetch.
/// </summary>
internal sealed class CdnTokenCache(FalTransport transport)
{
    private static readonly TimeSpan s_maxMargin = TimeSpan.FromMinutes(5);
    private readonly object _gate = new();
    private Task<CdnToken>? _fetch;
    private DateTimeOffset _refreshAt;

    public Task<CdnToken> GetAsync(CancellationToken cancellationToken)
    {
        var now = transport.Options.Scheduler.Now;
        lock (_gate)
        {
            if (_fetch is { } fetch && (!fetch.IsCompleted || (fetch.IsCompletedSuccessfully && now < _refreshAt)))
            {
                return fetch.WaitAsync(cancellationToken);
            }

            _fetch = FetchAsync(now);
            return _fetch.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Drops the token (the CDN refused it), so the next upload fetches another.</summary>
    public void Invalidate(CdnToken token)
    {
        lock (_gate)
        {
            if (_fetch is { IsCompletedSuccessfully: true } fetch && ReferenceEquals(fetch.Result, token))
            {
                _fetch = null;
            }
        }
    }

    private async Task<CdnToken> FetchAsync(DateTimeOffset now)
    {
        var url = new Uri(transport.Options.RestUrl, "storage/auth/token?storage_type=fal-cdn-v3");
        // Not cancelled by one caller: others may be waiting on the same fetch.
        var token = await transport.SendAsync(
            async: true,
            new FalCall<CdnToken>
            {
                Operation = "storage token",
                Method = HttpMethod.Post,
                Url = url,
                Body = "{}"u8.ToArray(),
                Retry = FalRetryRule.Transient,
                Scheduler = transport.Options.Scheduler,
                Parse = static a => CdnToken.Parse(a.Body),
            },
            CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            // Without an expiry the token serves this upload only.
            var lifetime = token.ExpiresAt is { } at ? at - now : TimeSpan.Zero;
            var margin = TimeSpan.FromTicks(Math.Min(s_maxMargin.Ticks, lifetime.Ticks / 10));
            _refreshAt = now + lifetime - margin;
        }

        return token;
    }
}
