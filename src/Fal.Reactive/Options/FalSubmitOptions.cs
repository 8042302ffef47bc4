using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// Options for a followed request: <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> and
/// <see cref="FalClient.SubscribeAsync(string, FalInput?, FalSubmitOptions?, Action{FalStatus}?, CancellationToken)"/>.
/// Copied and checked at the call: changing them afterwards does not change a request already asked for (also
/// one a cold observable only starts when subscribed).
/// </summary>
public sealed class FalSubmitOptions
{
    /// <summary>Ask fal for the runner's logs (cumulative, on every status). Default false.</summary>
    public bool WithLogs { get; set; }

    /// <summary>Overrides <see cref="FalClientOptions.PollInterval"/> for this request.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// Polls slowly while the request waits in the queue and at the poll interval once it runs, never waiting
    /// longer than <see cref="FalAdaptivePolling.MaxNoticeDelay"/> between polls. Default null: a fixed interval.
    /// </summary>
    public FalAdaptivePolling? AdaptivePolling { get; set; }

    /// <summary>
    /// How statuses are learned: polling (the default, as in fal's official clients) or fal's server-sent
    /// status stream, one long-lived call instead of a call per interval. A stream that closes before
    /// COMPLETED falls back to polling.
    /// </summary>
    public FalStatusMode StatusMode { get; set; }

    /// <summary>Overrides <see cref="FalClientOptions.Scheduler"/> for this request: its polls, its retry back-off (the submit's too).</summary>
    public IScheduler? Scheduler { get; set; }

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
    /// A client-side limit on the whole request, queue wait included (fal_client's <c>subscribe(client_timeout=…)</c>):
    /// when it runs out before <see cref="Completed"/>, the request is cancelled on fal and the sequence ends with
    /// <see cref="FalTimeoutException"/> carrying the request id (null only if fal had not answered the submit yet; the
    /// cancel still follows). Without a <see cref="StartTimeout"/> it is also sent as the start deadline
    /// (<c>X-Fal-Request-Timeout</c>), so fal stops waiting for a runner at the same moment, as fal_client does; it
    /// must then be more than 1 second. Measured on the request's scheduler from the subscription. Default null: no limit.
    /// </summary>
    public TimeSpan? ClientTimeout { get; set; }

    /// <summary>
    /// How long fal keeps the files the request's outputs are stored in (header <c>X-Fal-Object-Lifecycle-Preference</c>,
    /// the JS client's <c>storageSettings</c>). Default: fal's account setting.
    /// </summary>
    public FalObjectLifecycle? StorageLifecycle { get; set; }

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Called with the request id as soon as fal has queued the request, before any status (fal_client's
    /// <c>on_enqueue</c>): store it to find the request again after a crash. An exception it throws fails the
    /// request, which is then cancelled on the server. (<see cref="FalClient.SubmitAsync(string, FalInput?, FalEnqueueOptions?, CancellationToken)"/>
    /// returns the handle, with its id, instead.)
    /// </summary>
    public Action<string>? OnEnqueue { get; set; }

    /// <summary>A copy of what these options say, for the request to use whatever the caller changes afterwards.</summary>
    internal SubmitSettings Snapshot() =>
        new(WithLogs, PollInterval, AdaptivePolling, StatusMode, Scheduler, WebhookUrl, SubmitSettings.Headers(Headers, Priority, Hint, StartTimeout ?? ClientTimeout, StorageLifecycle), OnEnqueue)
        {
            ClientTimeout = ClientTimeout,
        };
}
