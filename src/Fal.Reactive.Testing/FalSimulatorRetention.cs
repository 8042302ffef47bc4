namespace Fal.Reactive.Testing;

/// <summary>
/// How much a <see cref="FalSimulator"/> keeps of what is over: finished requests, recorded calls and webhooks, and
/// stored files. A long-running emulator would otherwise grow without bound. Requests still queued or running are
/// never dropped. Ages are measured on the simulator's scheduler, so a <c>TestScheduler</c> ages them in virtual time.
/// </summary>
/// <remarks>
/// Dropped requests answer 404 to status, result and cancel calls, as fal's do once expired; dropped files answer 404.
/// Limits are checked whenever the simulator is called or read, not on a timer.
/// </remarks>
public sealed class FalSimulatorRetention
{
    /// <summary>The default <see cref="MaxAge"/>: one hour.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many finished (completed, failed, cancelled) requests are kept, the most recently finished ones.
    /// The default is 10,000: a burst of that many requests finishing together still has its results fetched. Beyond it,
    /// the oldest results are gone (404) even if nobody fetched them yet.
    /// </summary>
    public int MaxFinishedRequests { get; set; } = 10_000;

    /// <summary>Gets or sets how many recorded calls (and, separately, webhooks) are kept, the most recent ones. The default is 10,000.</summary>
    public int MaxCalls { get; set; } = 10_000;

    /// <summary>Gets or sets how many stored files (and issued upload URLs not yet used) are kept, the most recent ones. The default is 1,000.</summary>
    public int MaxFiles { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets the total size of the stored files' bytes; the oldest files are dropped to stay under it, and an
    /// upload larger than it is refused with 413. The default is 256 MiB.
    /// </summary>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long a finished request (from its completion), a recorded call or webhook (from its arrival) and a
    /// stored file (from its upload) are kept. The default is <see cref="DefaultMaxAge"/>.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>Checks the values; the simulator calls this when it is created.</summary>
    internal void Validate(string paramName)
    {
        if (MaxFinishedRequests < 0 || MaxCalls < 0 || MaxFiles < 0 || MaxFileBytes < 0 || MaxAge < TimeSpan.Zero)
        {
            throw new ArgumentException("Retention limits must not be negative.", paramName);
        }
    }

    /// <summary>A copy, so that changing the options after the simulator was created has no effect.</summary>
    internal FalSimulatorRetention Clone() => (FalSimulatorRetention)MemberwiseClone();
}
