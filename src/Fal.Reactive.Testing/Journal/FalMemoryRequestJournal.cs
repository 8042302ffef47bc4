using System.Runtime.CompilerServices;
using Fal.Reactive;

namespace Fal.Reactive.Testing;

/// <summary>
/// An <see cref="IFalRequestJournal"/> in memory, for tests in virtual time: every call completes synchronously, so a
/// <c>TestScheduler</c> drives a durable batch deterministically. It follows the same
/// rules as the SQLite and PostgreSQL journals (the contract tests run against all three). Not durable.
/// </summary>
public sealed class FalMemoryRequestJournal : IFalRequestJournal
{
    private readonly object _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, FalJournalEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets how many writes (intent, id, outcome) were recorded: what a test of "no call" checks.</summary>
    public int Writes { get; private set; }

    /// <inheritdoc />
    public ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(appId);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new FalJournalEntry(key, appId);
                _entries.Add(key, entry);
                _order.Add(key);
            }

            return new(entry);
        }
    }

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new(_entries.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FalJournalEntry[] snapshot;
        lock (_gate)
        {
            snapshot = _order.Select(k => _entries[k]).Where(e => !unfinishedOnly || !e.IsFinished).ToArray();
        }

        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> TryLeaseAsync(string key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return new((FalJournalEntry?)null);
            }

            if (entry.IsFinished)
            {
                return new(entry);
            }

            return new(IsFree(entry, lease) ? Lease(entry, lease) : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> LeaseNextAsync(FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            var free = _order.Select(k => _entries[k]).Where(e => !e.IsFinished && e.LeaseOwner != lease.Owner && IsFree(e, lease));
            var next = free.FirstOrDefault(e => e.IsInFlight) ?? free.FirstOrDefault();
            return new(next is null ? null : Lease(next, lease));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            var mine = _entries.Values.Where(e => !e.IsFinished && e.LeaseOwner == lease.Owner).ToArray();
            foreach (var entry in mine)
            {
                _entries[entry.Key] = entry with { LeaseExpiresAt = lease.ExpiresAt };
            }

            return new(mine.Length);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            foreach (var entry in _entries.Values.Where(e => (key is null || e.Key == key) && e.LeaseOwner == lease.Owner).ToArray())
            {
                _entries[entry.Key] = entry with { LeaseOwner = null, LeaseExpiresAt = null };
            }
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            var entry = Owned(key, lease);
            if (entry.State is not (FalJournalState.Pending or FalJournalState.Submitting))
            {
                throw new InvalidOperationException($"Key '{key}' is {entry.State}: no intent can be recorded.");
            }

            if (entry.State == FalJournalState.Pending && maxInFlight is { } cap && _entries.Values.Count(e => e.IsInFlight) >= cap)
            {
                return new(false);
            }

            Writes++;
            _entries[key] = entry with { State = FalJournalState.Submitting, InputHash = inputHash, SubmittingAt = lease.Now };
            return new(true);
        }
    }

    /// <inheritdoc />
    public ValueTask RecordRequestIdAsync(string key, FalJournalLease lease, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            var entry = Owned(key, lease);
            Writes++;
            _entries[key] = entry with { State = FalJournalState.Submitted, RequestId = requestId };
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_gate)
        {
            var entry = Owned(key, lease);
            Writes++;
            _entries[key] = entry with
            {
                State = outcome.State,
                Output = outcome.Output,
                Location = outcome.Location,
                Error = outcome.Error,
                EndedAt = lease.Now,
                LeaseOwner = null,
                LeaseExpiresAt = null,
            };
        }

        return default;
    }

    private static bool IsFree(FalJournalEntry entry, FalJournalLease lease) =>
        entry.LeaseOwner is null || entry.LeaseOwner == lease.Owner || entry.LeaseExpiresAt <= lease.Now;

    private FalJournalEntry Lease(FalJournalEntry entry, FalJournalLease lease)
    {
        var leased = entry with { LeaseOwner = lease.Owner, LeaseExpiresAt = lease.ExpiresAt };
        _entries[entry.Key] = leased;
        return leased;
    }

    private FalJournalEntry Owned(string key, FalJournalLease lease)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            throw new InvalidOperationException($"Key '{key}' is not in the journal.");
        }

        // Ours, or lapsed with nobody else having taken it: the same rule as the SQL journals' WHERE clause.
        if (entry.LeaseOwner is not null && entry.LeaseOwner != lease.Owner)
        {
            throw new FalJournalException($"Key '{key}' was taken over by worker '{entry.LeaseOwner}'.") { Key = key, Failure = FalJournalFailure.LeaseLost, RequestId = entry.RequestId };
        }

        return entry;
    }
}
