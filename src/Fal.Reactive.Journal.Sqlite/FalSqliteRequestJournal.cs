using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Fal.Reactive;

/// <summary>
/// An <see cref="IFalRequestJournal"/> in a SQLite file: write-ahead log, <c>synchronous=FULL</c> (a record is on disk,
/// not only in the OS cache, before the call returns, so it survives a power cut as well as a crash). Processes on one
/// machine may share the file (SQLite's locks; a 5 s busy timeout); across machines use the PostgreSQL journal.
/// </summary>
/// <example>
/// <code>
/// await using var journal = await FalSqliteRequestJournal.OpenAsync("batch.journal");
/// var durable = fal.Durable(journal);
/// </code>
/// </example>
public sealed class FalSqliteRequestJournal : IFalRequestJournal, IAsyncDisposable, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS fal_journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            app_id TEXT NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            input_hash TEXT, submitting_at INTEGER, request_id TEXT,
            output TEXT, location TEXT, error_message TEXT, error_status INTEGER, error_type TEXT, error_detail TEXT,
            ended_at INTEGER, lease_owner TEXT, lease_expires_at INTEGER);
        """;

    // The lease rules, shared by every statement: free, ours, or lapsed.
    private const string Leasable = "(lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)";
    private const string Owned = "(lease_owner IS NULL OR lease_owner = @owner)";

    private readonly SqliteConnection _connection;

    // One statement at a time on the one connection (SQLite serializes writers anyway).
    private readonly SemaphoreSlim _gate = new(1, 1);

    private FalSqliteRequestJournal(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Opens (and creates when missing) the journal in a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The journal; dispose it to close the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static async Task<FalSqliteRequestJournal> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 5 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = Schema + "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new FalSqliteRequestJournal(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(appId);
        await Execute("INSERT INTO fal_journal (key, app_id) VALUES (@key, @app) ON CONFLICT (key) DO NOTHING", c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.Add(c, "app", appId);
        }, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(key, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await QueryOne($"SELECT {JournalRows.Columns} FROM fal_journal WHERE key = @key", c => JournalRows.Add(c, "key", key), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = await QueryAll(
            $"SELECT {JournalRows.Columns} FROM fal_journal" + (unfinishedOnly ? $" WHERE state < {JournalRows.Finished}" : "") + " ORDER BY seq",
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
            $"UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires WHERE key = @key AND state < {JournalRows.Finished} AND {Leasable} RETURNING {JournalRows.Columns}",
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
        // One statement: SQLite runs it under the write lock, so two processes never lease the same key.
        return await QueryOne(
            $"""
            UPDATE fal_journal SET lease_owner = @owner, lease_expires_at = @expires
            WHERE seq = (SELECT seq FROM fal_journal
                         WHERE state < {JournalRows.Finished} AND (lease_owner IS NULL OR (lease_owner <> @owner AND lease_expires_at <= @now))
                         ORDER BY state IN ({JournalRows.Submitting}, {JournalRows.Submitted}) DESC, seq LIMIT 1)
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
            $"UPDATE fal_journal SET lease_expires_at = @expires WHERE lease_owner = @owner AND state < {JournalRows.Finished}",
            c => JournalRows.AddLease(c, lease),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await Execute("UPDATE fal_journal SET lease_owner = NULL, lease_expires_at = NULL WHERE (@key IS NULL OR key = @key) AND lease_owner = @owner", c =>
        {
            JournalRows.Add(c, "key", key);
            JournalRows.AddLease(c, lease);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        // The cap is counted inside the one UPDATE, which SQLite runs under its write lock: atomic across processes.
        var changed = await Execute(
            $"""
            UPDATE fal_journal SET state = {JournalRows.Submitting}, input_hash = @hash, submitting_at = @now
            WHERE key = @key AND {Owned} AND state IN ({JournalRows.Pending}, {JournalRows.Submitting})
              AND (state = {JournalRows.Submitting} OR @cap IS NULL
                   OR (SELECT count(*) FROM fal_journal WHERE state IN ({JournalRows.Submitting}, {JournalRows.Submitted})) < @cap)
            """,
            c =>
            {
                JournalRows.Add(c, "key", key);
                JournalRows.Add(c, "hash", inputHash);
                JournalRows.Add(c, "cap", maxInFlight);
                JournalRows.AddLease(c, lease);
            },
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
        await Owning(key, $"UPDATE fal_journal SET state = {JournalRows.Submitted}, request_id = @request WHERE key = @key AND {Owned}", lease, c => JournalRows.Add(c, "request", requestId), cancellationToken).ConfigureAwait(false);
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
            WHERE key = @key AND {Owned}
            """,
            lease,
            c => JournalRows.AddOutcome(c, outcome),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the file.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
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

    private async Task<int> Execute(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            parameters(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FalJournalEntry?> QueryOne(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        (await QueryAll(sql, parameters, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    private async Task<List<FalJournalEntry>> QueryAll(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            parameters(command);
            var rows = new List<FalJournalEntry>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(JournalRows.Read(reader));
            }

            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }
}
