using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Options for a <see cref="FalWebhookHub"/>. The hub copies them when it is created.</summary>
public sealed class FalWebhookHubOptions
{
    /// <summary>
    /// How long a published webhook is remembered, measured on <see cref="Scheduler"/> from its publication: a
    /// <see cref="FalWebhookHub.Completed"/> subscribed that late still gets it, and a repeated delivery of the
    /// same request is not published again. Null (the default): <see cref="FalWebhookHub.DefaultRetention"/>, or twice
    /// the verifier's <see cref="FalWebhookVerifierOptions.Tolerance"/> when that is longer.
    /// </summary>
    /// <remarks>
    /// Twice the tolerance, not once: the verifier accepts a timestamp up to the tolerance ahead of its clock as well
    /// as behind, so a replay of a delivery first received at <c>t</c> can pass the verifier until <c>t + 2 × tolerance</c>.
    /// A hub made with a verifier refuses a shorter retention.
    /// </remarks>
    public TimeSpan? Retention { get; set; }

    /// <summary>
    /// The most webhooks remembered at once: the hub's memory bound. While that many are younger than the
    /// retention, a new delivery is refused (<see cref="FalWebhookPublishOutcome.Full"/>; the endpoint answers 503
    /// and fal retries it later) rather than an id forgotten early. Default <see cref="FalWebhookHub.DefaultCapacity"/>.
    /// </summary>
    public int Capacity { get; set; } = FalWebhookHub.DefaultCapacity;

    /// <summary>
    /// The clock the retention is measured on. Null (the default): the verifier's scheduler for a hub made with a
    /// verifier (so <c>AddFalWebhooks</c> uses the client's), otherwise <see cref="DefaultScheduler.Instance"/>.
    /// </summary>
    public IScheduler? Scheduler { get; set; }
}
