namespace Fal.Reactive;

/// <summary>
/// Durable storage for requests by key (<see cref="FalDurableClient"/>): each key's intent, request id and outcome, each
/// recorded durably before the step it describes is visible to the caller, and a lease per key so that several workers
/// can share one batch. Implementations: <c>Fal.Reactive.Journal.Sqlite</c> (a file, one machine),
/// <c>Fal.Reactive.Journal.PostgreSql</c> (many machines), <c>FalMemoryRequestJournal</c> in the test kit.
/// </summary>
/// <remarks>
/// Every write that names a lease succeeds only while that worker holds the key's lease (or it expired and nobody took
/// it): otherwise it throws <see cref="FalJournalException"/> with <see cref="FalJournalFailure.LeaseLost"/>, so a
/// worker that was presumed dead cannot overwrite the worker that took its keys over.
/// </remarks>
public interface IFalRequestJournal
{
    /// <summary>Adds a key as <see cref="FalJournalState.Pending"/> when unknown; a known key is left as it is.</summary>
    /// <param name="key">The key.</param>
    /// <param name="appId">The app its request goes to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key's entry as now recorded.</returns>
    ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default);

    /// <summary>The key's entry, or null when unknown.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry.</returns>
    ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every entry (or the unfinished ones), in the order the keys were added.</summary>
    /// <param name="unfinishedOnly">Only entries without an outcome.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes (or renews) the lease on a key when it is free, expired or already the caller's. A finished key is returned
    /// as it is, without a lease.
    /// </summary>
    /// <param name="key">A known key.</param>
    /// <param name="lease">The caller and the lease to take.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or null when another worker holds an unexpired lease on it (or the key is unknown).</returns>
    ValueTask<FalJournalEntry?> TryLeaseAsync(string key, FalJournalLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases the next unfinished key nobody else holds: first keys with a request on fal whose worker's lease expired
    /// (taken over by id), then pending keys in the order they were added. Workers racing for keys never get the same one.
    /// </summary>
    /// <param name="lease">The caller and the lease to take.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The leased entry, or null when every unfinished key is leased by a live worker (or none is left).</returns>
    ValueTask<FalJournalEntry?> LeaseNextAsync(FalJournalLease lease, CancellationToken cancellationToken = default);

    /// <summary>Extends every lease the caller holds on unfinished keys to <see cref="FalJournalLease.ExpiresAt"/>.</summary>
    /// <param name="lease">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many leases were renewed.</returns>
    ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default);

    /// <summary>Gives up the caller's lease on a key, or on every key it holds (the keys stay as they are, for another worker or a later run).</summary>
    /// <param name="key">The key; null for every key the caller holds (a worker restarted under the same id takes its keys back so).</param>
    /// <param name="lease">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when released.</returns>
    ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the intent to submit (state <see cref="FalJournalState.Submitting"/>, the input's hash, <see cref="FalJournalLease.Now"/>):
    /// called before the submit is sent. With <paramref name="maxInFlight"/>, atomically refuses when that many keys of
    /// the journal already have a request on fal (<see cref="FalJournalEntry.IsInFlight"/>), across all workers.
    /// </summary>
    /// <param name="key">A key the caller holds the lease on, pending or submitting.</param>
    /// <param name="lease">The caller.</param>
    /// <param name="inputHash">The SHA-256 of the input about to be sent.</param>
    /// <param name="maxInFlight">The journal-wide cap on requests in flight, or null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the cap is reached (nothing recorded).</returns>
    ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default);

    /// <summary>Records fal's request id for a submitting key (state <see cref="FalJournalState.Submitted"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="lease">The caller.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the id is durable.</returns>
    ValueTask RecordRequestIdAsync(string key, FalJournalLease lease, string requestId, CancellationToken cancellationToken = default);

    /// <summary>Records a key's outcome and releases its lease.</summary>
    /// <param name="key">The key.</param>
    /// <param name="lease">The caller.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the outcome is durable.</returns>
    ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default);
}
