namespace Fal.Reactive;

/// <summary>
/// Retries of transient failures (HTTP 408, 429, 500, 502, 503, 504 and connection errors) for the
/// idempotent calls: status, result and cancel. Submits and direct runs are not retried, so a request
/// is never sent twice. The delay doubles from <see cref="Delay"/> up to <see cref="MaxDelay"/>; a
/// <c>Retry-After</c> answer is honoured as a floor. Every delay is scheduled on the client's scheduler.
/// </summary>
public sealed class FalRetryOptions
{
    /// <summary>How many times a failed call is retried. Default 3; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry. Default 500 ms.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between retries. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);
}
