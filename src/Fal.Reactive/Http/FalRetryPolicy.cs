using System.Net.Sockets;
using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Which failures of a call are tried again.</summary>
internal enum FalRetryRule
{
    /// <summary>Never.</summary>
    Never,

    /// <summary>Transport errors, attempt timeouts and transient statuses.</summary>
    Transient,

    /// <summary>
    /// The result: transport errors, attempt timeouts, 408/409/429 and only a 502/503/504 from the ingress
    /// (no <c>x-fal-request-id</c>). A 500 is never retried, with or without a request id: the result replays
    /// the app's own answer, so its 500 is the outcome, not a glitch (fal_client retries no 500 either).
    /// </summary>
    ReplaysTheAppsAnswer,

    /// <summary>
    /// A CDN upload of bytes that can be read again: as fal_client's CDN POST, transport errors, 408/409/429 and
    /// ingress 502/503/504, with no attempt timeout (a large body may take longer than any fixed bound).
    /// </summary>
    Upload,

    /// <summary>
    /// Submits and runs: only failures that prove nothing was enqueued (a second POST after an ambiguous
    /// failure could be a second, billed request): 408, 409, 429 (as fal_client), a 502/503/504 from the
    /// ingress (no <c>x-fal-request-id</c>), a connection refused before any byte was sent.
    /// </summary>
    NothingEnqueued,
}

/// <summary>
/// Decides whether a failed call is tried again and how long to wait first: exponential back-off from
/// <see cref="FalRetryOptions.Delay"/> capped at <see cref="FalRetryOptions.MaxDelay"/>, less a jitter,
/// with the server's <c>Retry-After</c> (seconds or an HTTP date, read against the scheduler's clock) as a
/// floor, itself capped at <see cref="FalRetryOptions.MaxRetryAfter"/>.
/// </summary>
internal sealed class FalRetryPolicy(FalRetryOptions options)
{
    private long _draws;

    /// <summary>How many retries a call under <paramref name="rule"/> gets.</summary>
    public int MaxRetries(FalRetryRule rule) => rule == FalRetryRule.Never ? 0 : options.MaxRetries;

    /// <summary>How long one attempt of a call under <paramref name="rule"/> may take; null for submits and runs (a timeout there is ambiguous).</summary>
    public TimeSpan? AttemptTimeout(FalRetryRule rule) =>
        rule is FalRetryRule.Transient or FalRetryRule.ReplaysTheAppsAnswer ? options.AttemptTimeout : null;

    /// <summary>
    /// 408, 409 and 429 are worth another try on every call, as fal_client's <c>RETRY_CODES</c>. A 504 carrying
    /// <c>X-Fal-Request-Timeout-Type</c> (any value, as fal_client) is a timeout the caller set: never retried.
    /// Other 5xx by call (docs/retries.md): status, cancel and storage calls retry 500/502/503/504, as a
    /// second GET or PUT changes nothing; a submit, run or result only a 502/503/504 from the ingress (no
    /// <c>x-fal-request-id</c>): a submit's other 5xx may come after fal enqueued it, and a result's is the
    /// app's own answer replayed. fal's <c>X-Fal-Retryable</c> (which fal_client does not read) overrides: <c>false</c>
    /// stops any retry (the server says the same call fails again); <c>true</c> lets a 5xx be retried on a call
    /// that is safe to repeat (status, result, cancel, storage), never on a submit, run or stream, whose repeat is
    /// a second billed request.
    /// </summary>
    public static bool IsTransient(FalHttpException e, HttpResponseMessage response, FalRetryRule rule)
    {
        if (rule == FalRetryRule.Never || (e.StatusCode == 504 && e.TimeoutType is not null) || e.Retryable == false)
        {
            return false;
        }

        if (e.StatusCode is 408 or 409 or 429)
        {
            return true;
        }

        if (e.Retryable == true && e.StatusCode >= 500 && rule is FalRetryRule.Transient or FalRetryRule.ReplaysTheAppsAnswer)
        {
            return true;
        }

        return rule switch
        {
            FalRetryRule.Transient => e.StatusCode is 500 or 502 or 503 or 504,
            _ => e.StatusCode is 502 or 503 or 504 && FalErrors.RequestIdOf(response) is null,
        };
    }

    /// <summary>
    /// Whether a transport failure may be retried: any for idempotent calls; for submits only a refused
    /// connection, which proves no byte of the request reached a server.
    /// </summary>
    public static bool IsRetryableTransportFailure(Exception e, FalRetryRule rule) =>
        rule switch
        {
            FalRetryRule.Never => false,
            FalRetryRule.NothingEnqueued => e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } },
            _ => true,
        };

    /// <summary>The server's <c>Retry-After</c>, as a delay from the scheduler's now (never negative).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, IScheduler scheduler)
    {
        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - scheduler.Now,
            _ => (TimeSpan?)null,
        };
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> + 1 (0-based): the back-off less its jitter,
    /// or the server's floor (capped) if longer. <paramref name="scheduler"/> and <paramref name="requestId"/>
    /// seed the jitter, so it is reproducible in virtual time and differs between requests.
    /// </summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter, IScheduler? scheduler = null, string? requestId = null)
    {
        var exponential = options.Delay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var backoff = Math.Min(exponential, options.MaxDelay.Ticks);
        if (options.Jitter > 0 && scheduler is not null)
        {
            backoff *= 1 - (options.Jitter * Draw(scheduler, attempt, requestId));
        }

        var delay = TimeSpan.FromTicks((long)backoff);
        if (retryAfter is { } floor)
        {
            floor = floor > options.MaxRetryAfter ? options.MaxRetryAfter : floor;
            return floor > delay ? floor : delay;
        }

        return delay;
    }

    /// <summary>A number in [0, 1) from the clock, the attempt, the request and a draw counter (SplitMix64).</summary>
    private double Draw(IScheduler scheduler, int attempt, string? requestId)
    {
        var seed = (ulong)scheduler.Now.UtcTicks
            ^ ((ulong)(uint)attempt << 32)
            ^ StableHash(requestId)
            ^ ((ulong)Interlocked.Increment(ref _draws) * 0x9E3779B97F4A7C15UL);
        seed += 0x9E3779B97F4A7C15UL;
        seed = (seed ^ (seed >> 30)) * 0xBF58476D1CE4E5B9UL;
        seed = (seed ^ (seed >> 27)) * 0x94D049BB133111EBUL;
        seed ^= seed >> 31;
        return (seed >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>FNV-1a: string.GetHashCode differs between processes, and runs must replay the same.</summary>
    private static ulong StableHash(string? text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text ?? string.Empty)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
