namespace Fal.Reactive;

/// <summary>
/// Adaptive polling for a submitted request (<see cref="FalSubmitOptions.AdaptivePolling"/>): while the request
/// waits in the queue, the wait between status calls doubles from the poll interval up to
/// <see cref="MaxNoticeDelay"/>; once it runs, polls return to the poll interval. A request that queues for tens
/// of seconds then costs a few status calls instead of one per interval, and the client notices its completion
/// at most <see cref="MaxNoticeDelay"/> (plus one call's latency) after fal finishes it.
/// </summary>
public sealed class FalAdaptivePolling
{
    /// <summary>Creates the option.</summary>
    /// <param name="maxNoticeDelay">The longest wait between two status calls: the bound on how late the client notices a change.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNoticeDelay"/> is not positive.</exception>
    public FalAdaptivePolling(TimeSpan maxNoticeDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxNoticeDelay, TimeSpan.Zero, nameof(maxNoticeDelay));
        MaxNoticeDelay = maxNoticeDelay;
    }

    /// <summary>The longest wait between two status calls.</summary>
    public TimeSpan MaxNoticeDelay { get; }
}
