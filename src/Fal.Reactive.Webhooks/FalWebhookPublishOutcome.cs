namespace Fal.Reactive;

/// <summary>What <see cref="FalWebhookHub.Publish"/> did with a webhook.</summary>
public enum FalWebhookPublishOutcome
{
    /// <summary>Given to the request's waiters and to the observers, and remembered.</summary>
    Published = 0,

    /// <summary>A webhook of the same request is remembered (a retried or replayed delivery): nothing done. Acknowledge it.</summary>
    Duplicate = 1,

    /// <summary>
    /// The hub already remembers <see cref="FalWebhookHub.Capacity"/> webhooks younger than its retention: nothing
    /// done, nothing remembered. Answer so that fal retries later (<c>MapFalWebhooks</c> answers 503).
    /// </summary>
    Full = 2,
}
