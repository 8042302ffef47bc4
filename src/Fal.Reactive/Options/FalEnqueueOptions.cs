using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// Options for <see cref="FalClient.SubmitAsync(string, FalInput?, FalEnqueueOptions?, CancellationToken)"/>, a submit
/// that returns the request's handle once fal has queued it: only what that submit sends or uses. (How to follow the
/// request is the handle's business: <see cref="FalRequestHandle.Events"/> takes the logs flag, interval and status mode.)
/// Copied and checked at the call.
/// </summary>
public sealed class FalEnqueueOptions
{
    /// <summary>A URL fal POSTs the result to when the request finishes (query parameter <c>fal_webhook</c>).</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The queue priority (header <c>X-Fal-Queue-Priority</c>); fal's default is normal.</summary>
    public FalQueuePriority? Priority { get; set; }

    /// <summary>A runner hint (header <c>X-Fal-Runner-Hint</c>), e.g. to reuse a runner with a LoRA loaded.</summary>
    public string? Hint { get; set; }

    /// <summary>
    /// A server-side deadline for the request to <em>start</em> (header <c>X-Fal-Request-Timeout</c>): if
    /// no runner has begun it by then, fal ends it with HTTP 504 (<see cref="FalHttpException.IsUserTimeout"/>).
    /// Must be more than 1 second.
    /// </summary>
    public TimeSpan? StartTimeout { get; set; }

    /// <summary>
    /// How long fal keeps the files the request's outputs are stored in (header <c>X-Fal-Object-Lifecycle-Preference</c>,
    /// the JS client's <c>storageSettings</c>). Default: fal's account setting.
    /// </summary>
    public FalObjectLifecycle? StorageLifecycle { get; set; }

    /// <summary>Overrides <see cref="FalClientOptions.Scheduler"/> for the submit's retry back-off.</summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A copy of what these options say (nothing about following the request: the handle does that).</summary>
    internal SubmitSettings Snapshot() =>
        new(
            WithLogs: false,
            PollInterval: null,
            AdaptivePolling: null,
            FalStatusMode.Polling,
            Scheduler,
            WebhookUrl,
            SubmitSettings.Headers(Headers, Priority, Hint, StartTimeout, StorageLifecycle),
            OnEnqueue: null);
}
