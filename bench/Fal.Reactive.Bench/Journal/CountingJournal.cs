using System.Runtime.CompilerServices;

namespace Fal.Reactive.Bench.Journal;

/// <summary>
/// A journal passed through, its calls counted: writes (every call that changes a row, each one a commit, so one
/// fsync on a durable store) and reads. The journal run divides them by N.
/// </summary>
internal sealed class CountingJournal(IFalRequestJournal inner) : IFalRequestJournal
{
    private long _writes;
    private long _reads;

    public long Writes => Interlocked.Read(ref _writes);

    public long Reads => Interlocked.Read(ref _reads);

    public ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default) =>
        Write(inner.AddAsync(key, appId, cancellationToken));

    public ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Read(inner.GetAsync(key, cancellationToken));

    public async IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        await foreach (var entry in inner.ListAsync(unfinishedOnly, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    public ValueTask<FalJournalEntry?> TryLeaseAsync(string key, FalJournalLease lease, CancellationToken cancellationToken = default) =>
        Write(inner.TryLeaseAsync(key, lease, cancellationToken));

    public ValueTask<FalJournalEntry?> LeaseNextAsync(FalJournalLease lease, CancellationToken cancellationToken = default) =>
        Write(inner.LeaseNextAsync(lease, cancellationToken));

    public ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default) =>
        Write(inner.RenewAsync(lease, cancellationToken));

    public ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.ReleaseAsync(key, lease, cancellationToken);
    }

    public ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default) =>
        Write(inner.TryRecordIntentAsync(key, lease, inputHash, maxInFlight, cancellationToken));

    public ValueTask RecordRequestIdAsync(string key, FalJournalLease lease, string requestId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.RecordRequestIdAsync(key, lease, requestId, cancellationToken);
    }

    public ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.RecordOutcomeAsync(key, lease, outcome, cancellationToken);
    }

    private ValueTask<T> Write<T>(ValueTask<T> call)
    {
        Interlocked.Increment(ref _writes);
        return call;
    }

    private ValueTask<T> Read<T>(ValueTask<T> call)
    {
        Interlocked.Increment(ref _reads);
        return call;
    }
}
