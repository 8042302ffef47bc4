namespace Fal.Reactive;

/// <summary>
/// Retries of transient failures (HTTP 408, 429, 500, 502, 503, 504, connection errors and attempts over
/// <see cref="AttemptTimeout"/>) for the idempotent calls: status, result and cancel. Submits and direct
/// runs are retried only when the answer proves nothing was enqueued (429, a 502/503/504 from fal's ingress
/// without <c>x-fal-request-id</c>, a refused connection), so a request is never billed twice. The delay
/// doubles from <see cref="Delay"/> up to <see cref="MaxDelay"/>, less a random part of up to
/// <see cref="Jitter"/>; a <c>Retry-After</c> answer is honoured as a floor, up to <see cref="MaxRetryAfter"/>.
/// Every delay is scheduled on the client's scheduler.
/// </summary>
public sealed class FalRetryOptions
{
    /// <summary>How many times a failed call is retried. Default 3; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry. Default 500 ms.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between retries. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest server-requested <c>Retry-After</c> obeyed; a longer one waits this long. Default 60 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The share of each back-off delay taken off at random (0 to 1), so that requests failing together do
    /// not retry together. Default 0.2. The randomness derives from the scheduler's clock, the request and
    /// the attempt, so under a <c>TestScheduler</c> the same run retries at the same ticks.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>
    /// How long one attempt of a status, result or cancel call may take (headers and body) before it is
    /// abandoned and retried. Default 60 s, measured on the request's scheduler, for the blocking calls
    /// (<c>Status()</c>, <c>Cancel()</c>, <c>Get()</c>, <c>IterEvents</c>) as for the asynchronous ones.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a submit may take (connection, TLS handshake, headers and body of the answer) before it is
    /// abandoned with <see cref="FalTimeoutException"/>. Default 60 s, measured on the submit's scheduler (also
    /// for the blocking calls). A submit that timed out is ambiguous: fal may have enqueued (and will bill) the
    /// request, and with no request id it cannot be cancelled, so it is never retried; the error says so.
    /// </summary>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
