using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Options for a <see cref="FalWebhookVerifier"/>. The verifier copies them when it is created.</summary>
public sealed class FalWebhookVerifierOptions
{
    /// <summary>Where fal publishes its webhook keys: <c>https://rest.fal.ai/.well-known/jwks.json</c>.</summary>
    public static readonly Uri DefaultJwksUrl = new("https://rest.fal.ai/.well-known/jwks.json");

    /// <summary>
    /// The key set's URL. Null (the default): <see cref="DefaultJwksUrl"/>, or, for a verifier made by
    /// <see cref="FalWebhookClientExtensions.CreateWebhookVerifier"/>, <c>.well-known/jwks.json</c> under the client's REST host.
    /// </summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>How far the signed timestamp may be from the scheduler's clock, either way. Default 5 minutes, as fal's docs advise.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a fetched key set is used before it is fetched again. Default 24 hours, the longest fal's docs allow.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The shortest time between two fetches of the key set. A signature no cached key verifies (fal rotated its key)
    /// fetches the set again, but at most this often, so forged deliveries cannot turn the verifier into a
    /// flood of requests to fal. Default 1 minute.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a key set fetch may take, on <see cref="Scheduler"/>. Default 10 seconds.</summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest key set accepted, in bytes. Default 64 KiB (fal's is a few hundred bytes).</summary>
    public int MaxJwksBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The clock and timer source (timestamp tolerance, cache age, refresh bound, fetch timeout). Null (the default):
    /// the client's scheduler for <see cref="FalWebhookClientExtensions.CreateWebhookVerifier"/>, otherwise <see cref="DefaultScheduler.Instance"/>.
    /// </summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>
    /// The fal user whose webhooks are accepted (<c>X-Fal-Webhook-User-Id</c>); null (the default) accepts any. fal
    /// signs every user's webhooks with the same keys, so another fal user could have fal POST a validly signed
    /// webhook to your URL: set this to accept only your own.
    /// </summary>
    public string? UserId { get; set; }

    internal FalWebhookVerifierOptions Validated(Uri defaultJwksUrl, IScheduler defaultScheduler, string paramName)
    {
        var url = JwksUrl ?? defaultJwksUrl;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"JwksUrl must be an absolute http or https URL, not '{url}'.", paramName);
        }

        if (Tolerance < TimeSpan.Zero || CacheDuration <= TimeSpan.Zero || MinRefreshInterval < TimeSpan.Zero || JwksTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Tolerance and MinRefreshInterval must not be negative; CacheDuration and JwksTimeout must be positive.", paramName);
        }

        if (MaxJwksBytes < 1)
        {
            throw new ArgumentException("MaxJwksBytes must be positive.", paramName);
        }

        if (UserId is { Length: 0 })
        {
            throw new ArgumentException("UserId must not be empty (null accepts any user).", paramName);
        }

        return new FalWebhookVerifierOptions
        {
            JwksUrl = url,
            Tolerance = Tolerance,
            CacheDuration = CacheDuration,
            MinRefreshInterval = MinRefreshInterval,
            JwksTimeout = JwksTimeout,
            MaxJwksBytes = MaxJwksBytes,
            Scheduler = Scheduler ?? defaultScheduler,
            UserId = UserId,
        };
    }
}
