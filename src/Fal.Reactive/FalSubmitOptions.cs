using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Options for one submitted request.</summary>
public sealed class FalSubmitOptions
{
    /// <summary>Ask fal for the runner's logs (cumulative, on every status). Default false.</summary>
    public bool WithLogs { get; set; }

    /// <summary>Overrides <see cref="FalClientOptions.PollInterval"/> for this request.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// How statuses are learned: polling (the default, as in fal's official clients) or fal's server-sent
    /// status stream, one long-lived call instead of a call per interval. A stream that closes before
    /// COMPLETED falls back to polling.
    /// </summary>
    public FalStatusMode StatusMode { get; set; }

    /// <summary>Overrides <see cref="FalClientOptions.Scheduler"/> for this request.</summary>
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

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal static readonly FalSubmitOptions Default = new();

    /// <summary>Throws the argument error a bad option deserves, at the call rather than on the wire.</summary>
    internal void Validate(string paramName)
    {
        if (PollInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, interval, "PollInterval must be positive.");
        }

        if (Priority is { } priority && !Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(paramName, priority, "Priority must be FalQueuePriority.Normal or FalQueuePriority.Low.");
        }

        if (!Enum.IsDefined(StatusMode))
        {
            throw new ArgumentOutOfRangeException(paramName, StatusMode, "StatusMode must be FalStatusMode.Polling or FalStatusMode.Streaming.");
        }

        if (StartTimeout is { } timeout && timeout <= TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "StartTimeout must be greater than 1 second.");
        }

        if (WebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"WebhookUrl must be an absolute http or https URL, not '{webhook}'.", paramName);
        }

        foreach (var name in Headers.Keys)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Headers cannot set Authorization: pass the key as FalClientOptions.Credentials.", paramName);
            }
        }
    }
}
