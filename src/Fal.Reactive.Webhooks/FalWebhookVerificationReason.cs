namespace Fal.Reactive;

/// <summary>Why a webhook was (or was not) verified.</summary>
public enum FalWebhookVerificationReason
{
    /// <summary>The signature is fal's and the body is a webhook.</summary>
    Verified,

    /// <summary>A <c>X-Fal-Webhook-*</c> header is missing or empty.</summary>
    MissingHeader,

    /// <summary><c>X-Fal-Webhook-Timestamp</c> is not a whole number of Unix seconds.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is further from the clock than the tolerance: a replay, or a clock far off.</summary>
    Stale,

    /// <summary><c>X-Fal-Webhook-Signature</c> is not 128 hex digits (a 64-byte Ed25519 signature).</summary>
    InvalidSignature,

    /// <summary>The key set holds no Ed25519 key (<c>kty: OKP</c>, <c>crv: Ed25519</c>), even after a refresh.</summary>
    UnknownKey,

    /// <summary>
    /// No key of the set verifies the signature, after refreshing the set when allowed: the body or a signed header was
    /// changed, or it was signed by a key fal does not publish.
    /// </summary>
    BadSignature,

    /// <summary>The key set could not be fetched (network error, error status, timeout, too large, not a key set) and none is cached.</summary>
    JwksUnavailable,

    /// <summary><c>X-Fal-Webhook-User-Id</c> is not the user the verifier expects (<see cref="FalWebhookVerifierOptions.UserId"/>).</summary>
    UnexpectedUser,

    /// <summary>The signature is fal's but the body is not a webhook (see <see cref="FalWebhook.TryParse"/>).</summary>
    InvalidPayload,
}
