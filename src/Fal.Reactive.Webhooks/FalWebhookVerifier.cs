using System.Globalization;
using System.Reactive.Concurrency;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Reason = Fal.Reactive.FalWebhookVerificationReason;

namespace Fal.Reactive;

/// <summary>
/// Verifies fal's webhook deliveries as fal documents it: the Ed25519 signature (<c>X-Fal-Webhook-Signature</c>, hex)
/// over request id, user id, timestamp and the hex SHA-256 of the raw body, joined by newlines, checked against the
/// keys of fal's JWKS; the timestamp within a tolerance of the scheduler's clock. Thread-safe; share one instance
/// so the key set is fetched once and cached.
/// </summary>
/// <remarks>
/// A bad delivery never throws: every failure is a <see cref="FalWebhookVerification"/> with a
/// <see cref="FalWebhookVerificationReason"/>. fal's headers name no key, so every Ed25519 key of the set is tried;
/// when none verifies, the set is fetched again (at most once per <see cref="FalWebhookVerifierOptions.MinRefreshInterval"/>)
/// in case fal rotated its key. The key set goes through the given <see cref="HttpClient"/>, without the API key,
/// bounded in size and time.
/// </remarks>
/// <example>
/// <code>
/// var verifier = fal.CreateWebhookVerifier();
/// var outcome = await verifier.VerifyAsync(FalWebhookHeaders.From(name =&gt; request.Headers[name]), body);
/// if (outcome.IsVerified) Handle(outcome.Webhook!);
/// </code>
/// </example>
public sealed class FalWebhookVerifier
{
    private readonly FalWebhookVerifierOptions _options;
    private readonly IScheduler _scheduler;
    private readonly JwksKeySet _keys;

    /// <summary>A verifier that fetches the key set through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">The HTTP client for the key set; not disposed by the verifier.</param>
    /// <param name="options">The options; default ones (fal's JWKS, 5-minute tolerance, real time) when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public FalWebhookVerifier(HttpClient httpClient, FalWebhookVerifierOptions? options = null)
        : this(httpClient, options, FalWebhookVerifierOptions.DefaultJwksUrl, DefaultScheduler.Instance)
    {
    }

    internal FalWebhookVerifier(HttpClient httpClient, FalWebhookVerifierOptions? options, Uri defaultJwksUrl, IScheduler defaultScheduler)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _options = (options ?? new FalWebhookVerifierOptions()).Validated(defaultJwksUrl, defaultScheduler, nameof(options));
        _scheduler = _options.Scheduler!;
        _keys = new JwksKeySet(httpClient, _options);
    }

    /// <summary>The key set's URL.</summary>
    public Uri JwksUrl => _options.JwksUrl!;

    /// <summary>How far a signed timestamp may be from the clock (<see cref="FalWebhookVerifierOptions.Tolerance"/>).</summary>
    public TimeSpan Tolerance => _options.Tolerance;

    /// <summary>The verifier's clock: a hub made with the verifier measures its retention on it.</summary>
    internal IScheduler Scheduler => _scheduler;

    /// <summary>Verifies one delivery and reads its body.</summary>
    /// <param name="headers">The delivery's <c>X-Fal-Webhook-*</c> headers.</param>
    /// <param name="body">The raw body, exactly as received (not re-serialized).</param>
    /// <param name="cancellationToken">Stops waiting for the key set (the fetch itself goes on, for the next delivery).</param>
    /// <returns>The webhook, or why the delivery was rejected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<FalWebhookVerification> VerifyAsync(FalWebhookHeaders headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // Cheap checks first: a malformed or stale delivery never makes the verifier fetch anything.
        if (CheckHeaders(headers) is { } rejected)
        {
            return rejected;
        }

        var signature = Convert.FromHexString(headers.Signature!);
        var message = WebhookMessage.Build(headers.RequestId!, headers.UserId!, headers.Timestamp!, body.Span);
        var keys = await _keys.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (!AnyVerifies(keys.Points, signature, message))
        {
            var refreshed = await _keys.RefreshAsync(keys.Version, cancellationToken).ConfigureAwait(false);
            if (refreshed.Version == keys.Version || !AnyVerifies(refreshed.Points, signature, message))
            {
                return Unverified(refreshed);
            }
        }

        return FalWebhook.TryParse(body, out var webhook, out var error)
            ? FalWebhookVerification.Verified(webhook)
            : FalWebhookVerification.Rejected(Reason.InvalidPayload, $"The delivery for request {headers.RequestId} is signed but its body is not a webhook: {error}");
    }

    /// <summary>
    /// The checks of a delivery that need no body and no key: the four headers present, the timestamp within
    /// <see cref="FalWebhookVerifierOptions.Tolerance"/>, the signature 128 hex digits, the user the expected one.
    /// An endpoint calls it before reading the body, so an unsigned or stale delivery costs no memory for what it
    /// announces. <see cref="VerifyAsync"/> makes the same checks first.
    /// </summary>
    /// <param name="headers">The delivery's headers.</param>
    /// <returns>The rejection, or null when the body is worth reading and verifying.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    public FalWebhookVerification? CheckHeaders(FalWebhookHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[
            (FalWebhookHeaders.RequestIdHeader, headers.RequestId),
            (FalWebhookHeaders.UserIdHeader, headers.UserId),
            (FalWebhookHeaders.TimestampHeader, headers.Timestamp),
            (FalWebhookHeaders.SignatureHeader, headers.Signature)])
        {
            if (string.IsNullOrEmpty(value))
            {
                return FalWebhookVerification.Rejected(Reason.MissingHeader, $"The delivery has no {name} header.");
            }
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return FalWebhookVerification.Rejected(Reason.InvalidTimestamp, $"{FalWebhookHeaders.TimestampHeader} is not Unix seconds: '{Shorten(headers.Timestamp!)}'.");
        }

        var skew = _scheduler.Now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (skew.Duration() > _options.Tolerance)
        {
            return FalWebhookVerification.Rejected(
                Reason.Stale,
                $"The delivery for request {headers.RequestId} was signed {skew.Duration().TotalSeconds:0} s {(skew > TimeSpan.Zero ? "ago" : "ahead")}, beyond the {_options.Tolerance.TotalSeconds:0} s tolerance.");
        }

        if (headers.Signature!.Length != 2 * WebhookMessage.SignatureLength || !IsHex(headers.Signature))
        {
            return FalWebhookVerification.Rejected(Reason.InvalidSignature, $"{FalWebhookHeaders.SignatureHeader} is not {2 * WebhookMessage.SignatureLength} hex digits.");
        }

        if (_options.UserId is { } expected && !string.Equals(headers.UserId, expected, StringComparison.Ordinal))
        {
            return FalWebhookVerification.Rejected(Reason.UnexpectedUser, $"The delivery for request {headers.RequestId} is for another fal user ('{Shorten(headers.UserId!)}').");
        }

        return null;
    }

    private FalWebhookVerification Unverified(JwksKeySet.Snapshot keys) => keys switch
    {
        { Keys.Count: 0, Error: { } error } => FalWebhookVerification.Rejected(Reason.JwksUnavailable, $"fal's webhook keys could not be fetched: {error}"),
        { Keys.Count: 0 } => FalWebhookVerification.Rejected(Reason.UnknownKey, $"The key set at {JwksUrl} holds no Ed25519 key."),
        _ => FalWebhookVerification.Rejected(Reason.BadSignature, $"No key of {JwksUrl} verifies the signature: the delivery was changed or not signed by fal."),
    };

    private static bool AnyVerifies(IReadOnlyList<Ed25519.PublicPoint> keys, byte[] signature, byte[] message)
    {
        foreach (var key in keys)
        {
            if (Ed25519.Verify(signature, 0, key, message, 0, message.Length))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A header value quoted in a message: bounded, so a huge header does not become a huge log line.</summary>
    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
