namespace Fal.Reactive;

/// <summary>The outcome of verifying a webhook delivery: the webhook when verified, otherwise why not.</summary>
public sealed record FalWebhookVerification
{
    private FalWebhookVerification(FalWebhookVerificationReason reason, FalWebhook? webhook, string message)
    {
        Reason = reason;
        Webhook = webhook;
        Message = message;
    }

    /// <summary>Why the delivery was verified or rejected.</summary>
    public FalWebhookVerificationReason Reason { get; }

    /// <summary>The webhook, when <see cref="IsVerified"/>; otherwise null.</summary>
    public FalWebhook? Webhook { get; }

    /// <summary>A sentence for logs (no secrets: the headers are public, the body is not repeated).</summary>
    public string Message { get; }

    /// <summary>True when the signature is fal's and the body is a webhook.</summary>
    public bool IsVerified => Reason == FalWebhookVerificationReason.Verified;

    /// <summary>A verified webhook.</summary>
    /// <param name="webhook">The webhook.</param>
    /// <returns>The outcome.</returns>
    public static FalWebhookVerification Verified(FalWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new(FalWebhookVerificationReason.Verified, webhook, $"Webhook of request {webhook.RequestId} verified.");
    }

    /// <summary>A rejected delivery.</summary>
    /// <param name="reason">Why; not <see cref="FalWebhookVerificationReason.Verified"/>.</param>
    /// <param name="message">A sentence saying what was wrong.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is <see cref="FalWebhookVerificationReason.Verified"/>.</exception>
    public static FalWebhookVerification Rejected(FalWebhookVerificationReason reason, string message)
    {
        if (reason == FalWebhookVerificationReason.Verified)
        {
            throw new ArgumentException("A rejection needs a reason other than Verified.", nameof(reason));
        }

        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(reason, null, message);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Reason}: {Message}";
}
