namespace Fal.Reactive;

/// <summary>
/// A fal API key, or a source of temporary tokens. The key is sent only as <c>Authorization: Key …</c> to
/// the configured fal hosts (or the configured proxy) and never appears in <see cref="ToString"/>, an
/// exception or a log; a token is sent as <c>Authorization: Bearer …</c>.
/// </summary>
public sealed class FalCredentials
{
    /// <summary>The environment variable holding a whole key.</summary>
    public const string KeyVariable = "FAL_KEY";

    /// <summary>The environment variable holding the id half of a key pair.</summary>
    public const string KeyIdVariable = "FAL_KEY_ID";

    /// <summary>The environment variable holding the secret half of a key pair.</summary>
    public const string KeySecretVariable = "FAL_KEY_SECRET";

    private readonly string _headerValue;
    private readonly FalTokenSource? _tokens;

    private readonly SecretForms _secrets;

    private FalCredentials(string headerValue, string description, params string[] secrets)
    {
        _headerValue = headerValue;
        Description = description;
        // The header as sent too: an echoed "Key id:secret" base64-encodes differently from the key alone.
        _secrets = new SecretForms([.. secrets, headerValue]);
    }

    private FalCredentials(FalTokenSource tokens, string description)
    {
        _headerValue = string.Empty;
        _tokens = tokens;
        Description = description;
        _secrets = SecretForms.None;
    }

    /// <summary>Where the key came from, without the key (e.g. <c>FAL_KEY environment variable</c>).</summary>
    public string Description { get; }

    /// <summary>The value of the <c>Authorization</c> header (for a token source, the token <see cref="PrepareAsync"/> made current).</summary>
    internal string AuthorizationHeaderValue => _tokens is { } tokens ? tokens.HeaderValue : _headerValue;

    /// <summary>
    /// Credentials that fetch temporary tokens from <paramref name="tokenProvider"/> (typically your backend,
    /// which calls <see cref="FalClient.CreateTemporaryTokenAsync"/> with its key) and send them as
    /// <c>Authorization: Bearer …</c>, the header fal takes JWTs in: for apps that must not hold the key
    /// (Blazor WebAssembly, MAUI). A token is fetched on first use and fetched again, before the next call,
    /// once 90 % of <paramref name="tokenLifetime"/> has passed on the client's scheduler; concurrent calls share one fetch.
    /// </summary>
    /// <param name="tokenProvider">Fetches a token; the token is never logged or shown.</param>
    /// <param name="tokenLifetime">How long a token is valid (the expiration it was created with).</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenProvider"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenLifetime"/> is not positive.</exception>
    public static FalCredentials FromTokenProvider(Func<CancellationToken, Task<string>> tokenProvider, TimeSpan tokenLifetime)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tokenLifetime, TimeSpan.Zero);
        return new FalCredentials(new FalTokenSource(tokenProvider, tokenLifetime), "token provider");
    }

    /// <summary>Makes sure a token source has a fresh token (no-op for a key): before each call is built.</summary>
    internal ValueTask PrepareAsync(bool async, System.Reactive.Concurrency.IScheduler scheduler, CancellationToken cancellationToken) =>
        _tokens is { } tokens ? tokens.RefreshIfDueAsync(async, scheduler, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Credentials from a whole key (the value of <c>FAL_KEY</c>).</summary>
    /// <param name="key">The key, as shown in fal's dashboard.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or contains white space.</exception>
    public static FalCredentials FromKey(string key) => FromKey(key, "explicit key");

    /// <summary>Credentials from a key id and secret (<c>FAL_KEY_ID</c> and <c>FAL_KEY_SECRET</c>).</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="keySecret">The key secret.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An argument is empty or contains white space, or the id contains ':'.</exception>
    public static FalCredentials FromKeyPair(string keyId, string keySecret) =>
        FromKeyPair(keyId, keySecret, "explicit key id and secret");

    /// <summary>
    /// Credentials from <c>FAL_KEY</c>, or else from <c>FAL_KEY_ID</c> and <c>FAL_KEY_SECRET</c>;
    /// <see langword="null"/> when neither is set.
    /// </summary>
    /// <returns>The credentials, or <see langword="null"/>.</returns>
    public static FalCredentials? FromEnvironment()
    {
        var key = Environment.GetEnvironmentVariable(KeyVariable);
        if (!string.IsNullOrWhiteSpace(key))
        {
            return FromKey(key.Trim(), $"{KeyVariable} environment variable");
        }

        var id = Environment.GetEnvironmentVariable(KeyIdVariable);
        var secret = Environment.GetEnvironmentVariable(KeySecretVariable);
        if (!string.IsNullOrWhiteSpace(id) && !string.IsNullOrWhiteSpace(secret))
        {
            return FromKeyPair(id.Trim(), secret.Trim(), $"{KeyIdVariable}/{KeySecretVariable} environment variables");
        }

        return null;
    }

    /// <summary>
    /// <paramref name="text"/> with the key, and its id and secret parts, replaced by <c>[redacted]</c> in any letter
    /// case and base64-encoded too: a server that echoes the Authorization header never puts the key into an exception
    /// or a log. Redact before truncating, so a cut never leaves part of a secret behind.
    /// </summary>
    internal string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // A temporary token is as secret as a key while it lasts.
        if (_tokens is { HasToken: true } && _tokens.HeaderValue is { Length: > 0 } header && header.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 && header.Length - space > 8)
        {
            text = new SecretForms([header[(space + 1)..]]).Redact(text);
        }

        return _secrets.Redact(text);
    }

    /// <summary>Describes the credentials without revealing the key.</summary>
    /// <returns>A description such as <c>FalCredentials(FAL_KEY environment variable)</c>.</returns>
    public override string ToString() => $"FalCredentials({Description})";

    private static FalCredentials FromKey(string key, string description)
    {
        ArgumentNullException.ThrowIfNull(key);
        Validate(key, nameof(key));
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new FalCredentials("Key " + key, description, key)
            : new FalCredentials("Key " + key, description, key, key[..colon], key[(colon + 1)..]);
    }

    private static FalCredentials FromKeyPair(string keyId, string keySecret, string description)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(keySecret);
        Validate(keyId, nameof(keyId));
        Validate(keySecret, nameof(keySecret));
        if (keyId.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A fal key id cannot contain ':'; pass a whole 'id:secret' key to FromKey instead.", nameof(keyId));
        }

        return new FalCredentials("Key " + keyId + ":" + keySecret, description, keyId + ":" + keySecret, keyId, keySecret);
    }

    private static void Validate(string value, string name)
    {
        // The messages name the parameter, never the value: it is a secret.
        if (value.Length == 0)
        {
            throw new ArgumentException("A fal key cannot be empty.", name);
        }

        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException("A fal key cannot contain white space or control characters.", name);
            }
        }
    }
}
