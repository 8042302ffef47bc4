using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Fal.Reactive;

/// <summary>
/// An <see cref="IFalRequestJournal"/> on PostgreSQL, shared by worker processes on any number of machines: a key is
/// leased to one worker at a time (<c>FOR UPDATE SKIP LOCKED</c>, so racing workers never take the same key), a lapsed
/// lease is taken over by another worker (which re-attaches by request id), and the in-flight cap is counted under a
/// journal-wide transaction lock. Several journals (batches) can share one table: each has a name.
/// </summary>
/// <example>
/// <code>
/// await using var source = NpgsqlDataSource.Create("Host=db;Username=fal;Password=…;Database=batches");
/// var journal = await FalPostgreSqlRequestJournal.OpenAsync(source, "nightly-2026-12-01");
/// </code>
/// </example>
public sealed class FalPostgreSqlRequestJournal : IFalRequestJournal
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7235001);
        CREATE TABLE IF NOT EXISTS fal_journal (
            journal TEXT NOT NULL,
            seq BIGSERIAL,
            key TEXT NOT NULL,
            app_id TEXT NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            input_hash TEXT, submitting_at BIGINT, request_id TEXT,
            output TEXT, location TEXT, error_message TEXT, error_status INTEGER, error_type TEXT, error_detail TEXT,
            ended_at BIGINT, lease_owner TEXT, lease_expires_at BIGINT,
            PRIMARY KEY (journal, key));
        CREATE INDEX IF NOT EXISTS fal_journal_unfinished ON fal_journal (journal, seq) WHERE state < 3;
        """;

    private const string Leasable = "(lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)";
    private const string Owned = "(lease_owner IS NULL OR lease_owner = @owner)";

    private readonly NpgsqlDataSource _source;
    private readonly string _journal;

    private FalPostgreSqlRequestJournal(NpgsqlDataSource source, string journal)
    {
        _source = source;
        _journal = journal;
    }

    /// <summary>Opens a journal (creating the table when missing).</summary>
    /// <param name="dataSource">The database; not disposed by the journal.</param>
    /// <param name="journal">The journal's (batch's) name: workers sharing a batch use the same one.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The journal.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static async Task<FalPostgreSqlRequestJournal> OpenAsync(NpgsqlDataSource dataSource, string journal = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(journal);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Workers starting together: the advisory lock makes CREATE IF NOT EXISTS safe to race.
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = new NpgsqlCommand(Schema, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new FalPostgreSqlRequestJournal(dataSource, journal);
    }

    /// <summary>Gets the journal's name.</summary>
    public string Name => _journal;

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(appId);
        await Execute("INSERT INTO fal_journal (journal, key, app_id) VALUES (@journal, @key, @app) ON CONFLICT (journal, key) DO NOTHING", c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.Add(c, "app", appId);
        }, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(key, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await QueryOne($"SELECT {JournalRows.Columns} FROM fal_journal WHERE journal = @journal AND key = @key", c => JournalRows.Add(c, "key", key), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = await Query(
            $"SELECT {JournalRows.Columns} FROM fal_journal WHERE journal = @journal" + (unfinishedOnly ? $" AND state < {JournalRows.Finished}" : "") + " ORDER BY seq",
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
        var leased = await QueryOne(
            $"UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires WHERE journal = @journal AND key = @key AND state < {JournalRows.Finished} AND {Leasable} RETURNING {JournalRows.Columns}",
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
        // SKIP LOCKED: a worker racing for the same row takes the next one instead of waiting for this one.
        return await QueryOne(
            $"""
            UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires
            WHERE journal = @journal AND key = (
                SELECT key FROM fal_journal
                WHERE journal = @journal AND state < {JournalRows.Finished}
                  AND (lease_owner IS NULL OR (lease_owner <> @owner AND lease_expires_at <= @now))
                ORDER BY state IN ({JournalRows.Submitting}, {JournalRows.Submitted}) DESC, seq
                LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {JournalRows.Columns}
            """,
            c => JournalRows.AddLease(c, lease),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return await Execute(
            $"UPDATE fal_journal SET lease_expires_at = @expires WHERE journal = @journal AND lease_owner = @owner AND state < {JournalRows.Finished}",
            c => JournalRows.AddLease(c, lease),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await Execute("UPDATE fal_journal SET lease_owner = NULL, lease_expires_at = NULL WHERE journal = @journal AND (@key::text IS NULL OR key = @key::text) AND lease_owner = @owner", c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.AddLease(c, lease);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        // Under READ COMMITTED two workers could both count one below the cap: a transaction lock per journal
        // serializes the count and the update (taken only when there is a cap).
        var sql = $"""
            UPDATE fal_journal SET state = {JournalRows.Submitting}, input_hash = @hash, submitting_at = @now
            WHERE journal = @journal AND key = @key AND {Owned} AND state IN ({JournalRows.Pending}, {JournalRows.Submitting})
              AND (state = {JournalRows.Submitting} OR @cap::integer IS NULL
                   OR (SELECT count(*) FROM fal_journal WHERE journal = @journal AND state IN ({JournalRows.Submitting}, {JournalRows.Submitted})) < @cap::integer)
            """;
        var changed = await Execute(sql, c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.Add(c, "hash", inputHash);
            JournalRows.Add(c, "cap", maxInFlight);
            JournalRows.AddLease(c, lease);
        }, cancellationToken, lockJournal: maxInFlight is not null).ConfigureAwait(false);
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
        await Owning(key, $"UPDATE fal_journal SET state = {JournalRows.Submitted}, request_id = @request WHERE journal = @journal AND key = @key AND {Owned}", lease, c => JournalRows.Add(c, "request", requestId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(outcome);
        await Owning(
            key,
            $"""
            UPDATE fal_journal SET state = @state, output = @output, location = @location, error_message = @error_message, error_status = @error_status,
                error_type = @error_type, error_detail = @error_detail, ended_at = @now, lease_owner = NULL, lease_expires_at = NULL
            WHERE journal = @journal AND key = @key AND {Owned}
            """,
            lease,
            c => JournalRows.AddOutcome(c, outcome),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task Owning(string key, string sql, FalJournalLease lease, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        var changed = await Execute(sql, c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.AddLease(c, lease);
            parameters(c);
        }, cancellationToken).ConfigureAwait(false);
        if (changed != 1)
        {
            throw JournalRows.LeaseLost(key, await GetAsync(key, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<int> Execute(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken, bool lockJournal = false)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = lockJournal ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            try
            {
                if (tx is not null)
                {
                    // Held until commit: the journal's writers that count in-flight keys take turns.
                    using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@journal))", connection, tx);
                    JournalRows.Add(lockCommand, "journal", _journal);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var command = new NpgsqlCommand(sql, connection, tx);
                JournalRows.Add(command, "journal", _journal);
                parameters(command);
                var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (tx is not null)
                {
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return changed;
            }
            finally
            {
                if (tx is not null)
                {
                    await tx.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<FalJournalEntry?> QueryOne(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        (await Query(sql, parameters, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    private async Task<List<FalJournalEntry>> Query(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(sql, connection);
            JournalRows.Add(command, "journal", _journal);
            parameters(command);
            var rows = new List<FalJournalEntry>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(JournalRows.Read(reader));
            }

            return rows;
        }
    }
}
