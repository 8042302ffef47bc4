using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Which failures of a call are tried again.</summary>
internal enum FalRetryRule
{
    /// <summary>Never (submits and runs: a second POST is a second request).</summary>
    Never,

    /// <summary>Transport errors and transient statuses.</summary>
    Transient,

    /// <summary>As <see cref="Transient"/>, but not 5xx answers fal attributes to the request.</summary>
    TransientUnlessFromTheApp,
}

/// <summary>
/// Decides whether a failed call is tried again and how long to wait first: exponential back-off from
/// <see cref="FalRetryOptions.Delay"/> capped at <see cref="FalRetryOptions.MaxDelay"/>, with the server's
/// <c>Retry-After</c> (seconds or an HTTP date, read against the scheduler's clock) as a floor.
/// </summary>
internal sealed class FalRetryPolicy(FalRetryOptions options)
{
    /// <summary>How many retries a call under <paramref name="rule"/> gets.</summary>
    public int MaxRetries(FalRetryRule rule) => rule == FalRetryRule.Never ? 0 : options.MaxRetries;

    /// <summary>
    /// 408 and 429 are always worth another try; 5xx too, except a start timeout the caller set and, for a
    /// result, an answer fal attributes to the request (it carries <c>x-fal-request-id</c>): that is the app's
    /// own error, replayed, where an ingress failure carries no request id.
    /// </summary>
    public static bool IsTransient(FalHttpException e, HttpResponseMessage response, FalRetryRule rule) =>
        !e.IsUserTimeout
        && (e.StatusCode is 408 or 429
            || (e.StatusCode is 500 or 502 or 503 or 504
                && (rule != FalRetryRule.TransientUnlessFromTheApp || FalErrors.RequestIdOf(response) is null)));

    /// <summary>The server's <c>Retry-After</c>, as a delay from the scheduler's now.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, IScheduler scheduler) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - scheduler.Now,
            _ => null,
        };

    /// <summary>The wait before retry number <paramref name="attempt"/> + 1 (0-based): the back-off, or the server's floor if longer.</summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var exponential = options.Delay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(exponential, options.MaxDelay.Ticks));
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }
}
