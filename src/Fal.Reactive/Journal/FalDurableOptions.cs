using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>Options of a <see cref="FalDurableClient"/> (<see cref="FalClient.Durable(IFalRequestJournal, FalDurableOptions?)"/>).</summary>
public sealed class FalDurableOptions
{
    /// <summary>
    /// This worker's id in the journal's leases. Default: a new id per client. A worker restarted under the same id takes its
    /// own keys back at once (<see cref="FalDurableClient.RunBatch"/>); under a new id it waits for their leases to lapse.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>How long a key stays leased to this worker without a renewal (renewed every third of it while worked). Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A cap on requests on fal at once across every worker of the journal (keys submitting or submitted), e.g. fal's concurrency
    /// limit for the account. Default null: no cap.
    /// </summary>
    public int? MaxInFlight { get; set; }

    /// <summary>How long to wait before asking again when the cap is reached or another worker holds a key. Default 1 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far before an intent's time (and after now) fal's request listing is searched for a submit whose answer was lost:
    /// covers clock skew between this machine and fal. Default 5 minutes.
    /// </summary>
    public TimeSpan ListingMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The scheduler leases, renewals and retries wait on. Default: the client's (<see cref="FalPipeline.Scheduler"/>).</summary>
    public IScheduler? Scheduler { get; set; }
}
