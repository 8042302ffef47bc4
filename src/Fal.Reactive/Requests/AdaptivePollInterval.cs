namespace Fal.Reactive;

/// <summary>
/// The interval policy of <see cref="FalAdaptivePolling"/>: each poll that finds the request still queued doubles
/// the next wait (from the base interval, capped by the notice-delay bound); a running request is polled at the
/// base interval, since its completion is what the caller waits to notice.
/// </summary>
/// <remarks>
/// Doubling per queued poll makes the calls while queued grow with the log of the time queued until the cap, then
/// linearly at one per bound; the cap is what keeps the notice delay within the caller's bound, also for a
/// request that starts and finishes between two polls.
/// </remarks>
internal sealed class AdaptivePollInterval
{
    private readonly TimeSpan _base;
    private readonly TimeSpan _max;
    private TimeSpan _queuedWait;

    public AdaptivePollInterval(TimeSpan baseInterval, FalAdaptivePolling options)
    {
        _max = options.MaxNoticeDelay;
        // A bound below the poll interval wins: the caller asked to notice sooner than that.
        _base = baseInterval < _max ? baseInterval : _max;
        _queuedWait = _base;
    }

    /// <summary>The wait before the first poll, when no status is known yet.</summary>
    public TimeSpan First => _base;

    /// <summary>The wait before the poll after one that answered <paramref name="status"/>.</summary>
    public TimeSpan After(FalStatus status)
    {
        if (status is not Queued)
        {
            _queuedWait = _base;
            return _base;
        }

        var wait = _queuedWait;
        _queuedWait = _queuedWait.Ticks > _max.Ticks / 2 ? _max : _queuedWait * 2;
        return wait;
    }
}
