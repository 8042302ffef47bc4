namespace Fal.Reactive;

/// <summary>
/// Who asks and when: every write to a <see cref="IFalRequestJournal"/> names the worker holding the key's lease and the
/// time on that worker's scheduler, so leases expire in the same (possibly virtual) time the client waits in.
/// </summary>
/// <param name="Owner">The worker's id (one per process or per <see cref="FalDurableClient"/>).</param>
/// <param name="Now">The time of the call, from the worker's scheduler.</param>
/// <param name="Duration">How long a lease taken or renewed by the call lasts.</param>
/// <remarks>Workers sharing a journal across machines need clocks that agree to well within <paramref name="Duration"/>.</remarks>
public sealed record FalJournalLease(string Owner, DateTimeOffset Now, TimeSpan Duration)
{
    /// <summary>Gets when a lease taken or renewed by this call ends.</summary>
    public DateTimeOffset ExpiresAt => Now + Duration;
}
