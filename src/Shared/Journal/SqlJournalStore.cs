// Shared by Fal.Reactive.Journal.Sqlite and Fal.Reactive.Journal.PostgreSql (linked into each, not public): the journal
// contract's rules written once (which statement each call runs, what a conditional update that changed nothing means),
// each database supplying its dialect (how a statement is scoped to its journal, the insert, the lock a lease takes) and
// how it runs a statement (SQLite: one connection, one statement at a time; PostgreSQL: a pooled connection per call).
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>An <see cref="IFalRequestJournal"/> in the <c>fal_journal</c> table of an ADO.NET database.</summary>
internal abstract class SqlJournalStore : IFalRequestJournal
{
    // The lease rules, shared by every statement: free, ours, or lapsed.
    private const string Leasable = "(lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)";
    private const string Owned = "(lease_owner IS NULL OR lease_owner = @owner)";

    /// <summary>The condition that keeps a statement to this journal's rows (SQLite: a file holds one journal).</summary>
    protected abstract string Scope { get; }

    /// <summary>Inserts the row of <c>@key</c> for <c>@app</c>, or leaves an existing one as it is.</summary>
    protected abstract string InsertSql { get; }

    /// <summary>Appended to the query that picks the next key to lease: how racing workers keep off each other's pick.</summary>
    protected virtual string PickLock => "";

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(appId);
        await ExecuteAsync(InsertSql, c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.Add(c, "app", appId);
        }, serialize: false, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(key, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await QueryOneAsync($"SELECT {JournalRows.Columns} FROM fal_journal WHERE {Scope} AND key = @key", c => JournalRows.Add(c, "key", key), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            $"SELECT {JournalRows.Columns} FROM fal_journal WHERE {Scope}" + (unfinishedOnly ? $" AND state < {JournalRows.Finished}" : "") + " ORDER BY seq",
            static _ => { },
            cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry?> TryLeaseAsync(string key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var leased = await QueryOneAsync(
            $"UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires WHERE {Scope} AND key = @key AND state < {JournalRows.Finished} AND {Leasable} RETURNING {JournalRows.Columns}",
            c =>
            {
                JournalRows.Add(c, "key", key);
                JournalRows.AddLease(c, lease);
            },
            cancellationToken).ConfigureAwait(false);
        if (leased is not null)
        {
            return leased;
        }

        var entry = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        return entry is { IsFinished: true } ? entry : null;
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry?> LeaseNextAsync(FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        // One statement, so the pick and the lease cannot be split by another worker's (SQLite runs it under its write
        // lock; PostgreSQL's pick skips rows another worker has locked).
        return await QueryOneAsync(
            $"""
            UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires
            WHERE {Scope} AND key = (
                SELECT key FROM fal_journal
                WHERE {Scope} AND state < {JournalRows.Finished}
                  AND (lease_owner IS NULL OR (lease_owner <> @owner AND lease_expires_at <= @now))
                ORDER BY state IN ({JournalRows.Submitting}, {JournalRows.Submitted}) DESC, seq
                LIMIT 1{PickLock})
            RETURNING {JournalRows.Columns}
            """,
            c => JournalRows.AddLease(c, lease),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return await ExecuteAsync(
            $"UPDATE fal_journal SET lease_expires_at = @expires WHERE {Scope} AND lease_owner = @owner AND state < {JournalRows.Finished}",
            c => JournalRows.AddLease(c, lease),
            serialize: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        // Typed: PostgreSQL cannot infer the type of a parameter that is only ever compared with NULL.
        await ExecuteAsync(
            $"UPDATE fal_journal SET lease_owner = NULL, lease_expires_at = NULL WHERE {Scope} AND (CAST(@key AS TEXT) IS NULL OR key = CAST(@key AS TEXT)) AND lease_owner = @owner",
            c =>
            {
                JournalRows.Add(c, "key", key);
                JournalRows.AddLease(c, lease);
            },
            serialize: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        // The cap is counted inside the update; serialized with the journal's other counting writers, so two workers
        // cannot both see one below the cap (only needed when there is a cap).
        var changed = await ExecuteAsync(
            $"""
            UPDATE fal_journal SET state = {JournalRows.Submitting}, input_hash = @hash, submitting_at = @now
            WHERE {Scope} AND key = @key AND {Owned} AND state IN ({JournalRows.Pending}, {JournalRows.Submitting})
              AND (state = {JournalRows.Submitting} OR CAST(@cap AS INTEGER) IS NULL
                   OR (SELECT count(*) FROM fal_journal WHERE {Scope} AND state IN ({JournalRows.Submitting}, {JournalRows.Submitted})) < CAST(@cap AS INTEGER))
            """,
            c =>
            {
                JournalRows.Add(c, "key", key);
                JournalRows.Add(c, "hash", inputHash);
                JournalRows.Add(c, "cap", maxInFlight);
                JournalRows.AddLease(c, lease);
            },
            serialize: maxInFlight is not null,
            cancellationToken).ConfigureAwait(false);
        if (changed == 1)
        {
            return true;
        }

        var entry = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null || (entry.LeaseOwner is { } owner && owner != lease.Owner))
        {
            throw JournalRows.LeaseLost(key, entry);
        }

        return entry.State == FalJournalState.Pending
            ? false
            : throw new InvalidOperationException($"Key '{key}' is {entry.State}: no intent can be recorded.");
    }

    /// <inheritdoc />
    public async ValueTask RecordRequestIdAsync(string key, FalJournalLease lease, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await OwningAsync(key, $"UPDATE fal_journal SET state = {JournalRows.Submitted}, request_id = @request WHERE {Scope} AND key = @key AND {Owned}", lease, c => JournalRows.Add(c, "request", requestId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(outcome);
        await OwningAsync(
            key,
            $"""
            UPDATE fal_journal SET state = @state, output = @output, location = @location, error_message = @error_message, error_status = @error_status,
                error_type = @error_type, error_detail = @error_detail, ended_at = @now, lease_owner = NULL, lease_expires_at = NULL
            WHERE {Scope} AND key = @key AND {Owned}
            """,
            lease,
            c => JournalRows.AddOutcome(c, outcome),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a statement that changes rows: how many it changed.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Adds its parameters (the journal's scope's are added by the store).</param>
    /// <param name="serialize">It counts the journal's rows in flight: no other such statement may run alongside it.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected abstract Task<int> ExecuteAsync(string sql, Action<DbCommand> parameters, bool serialize, CancellationToken cancellationToken);

    /// <summary>Runs a statement that returns rows (a SELECT, or an UPDATE … RETURNING) and reads them with <see cref="ReadAllAsync"/>.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Adds its parameters (the journal's scope's are added by the store).</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected abstract Task<List<FalJournalEntry>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken);

    /// <summary>Executes <paramref name="command"/> and reads every row it returns as an entry.</summary>
    protected static async Task<List<FalJournalEntry>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<FalJournalEntry>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(JournalRows.Read(reader));
        }

        return rows;
    }

    /// <summary>An update of a key this worker must hold (or that nobody holds): changing nothing means the lease was lost.</summary>
    private async Task OwningAsync(string key, string sql, FalJournalLease lease, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(sql, c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.AddLease(c, lease);
            parameters(c);
        }, serialize: false, cancellationToken).ConfigureAwait(false);
        if (changed != 1)
        {
            throw JournalRows.LeaseLost(key, await GetAsync(key, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<FalJournalEntry?> QueryOneAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        (await QueryAsync(sql, parameters, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;
}
