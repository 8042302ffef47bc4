namespace Fal.Reactive;

// Temporary tokens (<c>POST {rest}/tokens/</c>), for apps that must not hold the key.
public partial class FalClient
{
    /// <summary>How long a temporary token is valid unless the caller says otherwise: 120 s, as the official clients ask.</summary>
    public static readonly TimeSpan DefaultTemporaryTokenExpiration = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Creates a short-lived token for the given apps with this client's key (fal_client's
    /// <c>_get_temporary_token</c>, the JS client's <c>getTemporaryAuthToken</c>): a backend hands it to a
    /// browser or device app, which uses it with <see cref="FalCredentials.FromTokenProvider"/> (or in
    /// <c>?fal_jwt_token=</c> for realtime and client-side streaming), so the key never leaves the backend.
    /// </summary>
    /// <param name="appIds">The apps the token may call, e.g. <c>fal-ai/fast-sdxl</c>; the token is scoped to their aliases.</param>
    /// <param name="expiration">How long the token is valid; default <see cref="DefaultTemporaryTokenExpiration"/>, 120 s as the official clients ask (from 1 s to 24 h).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token (a JWT). Never log it: it is a credential until it expires.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="appIds"/> is null.</exception>
    /// <exception cref="ArgumentException">No app id, an invalid one, or an expiration outside 1 s to 24 h.</exception>
    /// <exception cref="MissingCredentialsException">No key was given or found.</exception>
    /// <exception cref="FalHttpException">fal refused (e.g. 401 for a bad key).</exception>
    public virtual async Task<string> CreateTemporaryTokenAsync(IEnumerable<string> appIds, TimeSpan? expiration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appIds);
        var apps = appIds.Select(id => FalAppId.Parse(id, nameof(appIds))).ToList();
        var aliases = apps.Select(TemporaryTokens.Alias).Distinct(StringComparer.Ordinal).ToList();
        if (aliases.Count == 0)
        {
            throw new ArgumentException("A temporary token needs at least one app id.", nameof(appIds));
        }

        var lifetime = expiration ?? DefaultTemporaryTokenExpiration;
        if (lifetime < TimeSpan.FromSeconds(1) || lifetime > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(expiration), lifetime, "A token's expiration must be from 1 second to 24 hours.");
        }

        return await _context.Rest.TokenAsync(aliases, string.Join(", ", apps.Select(a => a.Id)), lifetime, cancellationToken).ConfigureAwait(false);
    }
}
