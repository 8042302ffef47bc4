using System.Collections.Concurrent;
using System.Globalization;
using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>
/// The temporary tokens the simulator accepts (<c>POST {rest}/tokens/</c>), each remembered with the owner of the key
/// that asked for it, the apps it opens and when it expires on the simulator's clock. Thread-safe: the router reads it
/// outside the simulator's lock.
/// </summary>
internal sealed class IssuedTokens(IScheduler scheduler)
{
    // Expired tokens are dropped once this many are held, so a long-running emulator does not grow without bound.
    private const int PruneAbove = 1024;

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private int _issued;

    /// <summary>Issues a token for <paramref name="allowedApps"/> to <paramref name="owner"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Issue(string? owner, IReadOnlyList<string> allowedApps, TimeSpan lifetime)
    {
        var number = Interlocked.Increment(ref _issued);
        var token = string.Create(CultureInfo.InvariantCulture, $"fal-sim-jwt-{number}-{Guid.NewGuid():N}");
        Add(token, owner, allowedApps, scheduler.Now + lifetime);
        return token;
    }

    /// <summary>Remembers a token issued elsewhere (the emulator's realtime host issues the tokens both accept).</summary>
    public void Add(string token, string? owner, IReadOnlyList<string> allowedApps, DateTimeOffset expiresAt)
    {
        if (_tokens.Count >= PruneAbove)
        {
            var now = scheduler.Now;
            foreach (var (key, value) in _tokens)
            {
                if (value.ExpiresAt <= now)
                {
                    _tokens.TryRemove(key, out _);
                }
            }
        }

        _tokens[token] = new IssuedToken(owner, [.. allowedApps], expiresAt);
    }

    /// <summary>The token when it is known here and has not expired; null otherwise (a caller cannot tell the two apart).</summary>
    public IssuedToken? FindValid(string token) =>
        _tokens.TryGetValue(token, out var issued) && scheduler.Now < issued.ExpiresAt ? issued : null;
}

/// <summary>A temporary token as issued: whose key asked for it, the apps it opens, when it expires.</summary>
/// <param name="Owner">The opaque owner id of the issuing key (null when any key is accepted).</param>
/// <param name="AllowedApps">The apps (aliases, <c>owner/alias</c> or full ids) from <c>allowed_apps</c>.</param>
/// <param name="ExpiresAt">When it stops being accepted, on the simulator's clock.</param>
internal sealed record IssuedToken(string? Owner, IReadOnlyList<string> AllowedApps, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether the token opens the app a call addresses (<paramref name="segments"/>: the app path, then perhaps a
    /// sub-path or <c>requests/{id}/…</c>): an allowed entry names its alias (what the official clients send), its
    /// <c>owner/alias</c>, or one of its sub-paths (the app, whatever the sub-path).
    /// </summary>
    public bool Opens(string[] segments)
    {
        var n = AppPath.OwnerAliasLength(segments);
        if (segments.Length < n)
        {
            return false;
        }

        var alias = segments[n - 1];
        var ownerAlias = AppPath.OwnerAlias(segments);
        return AllowedApps.Any(a =>
        {
            var app = a.Trim('/');
            return app == alias || app == ownerAlias || app.StartsWith(ownerAlias + "/", StringComparison.Ordinal);
        });
    }
}
