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

    // The statements, shared with the PostgreSQL journal (src/Shared/Journal/SqlJournalStore.cs).
    private readonly SqliteJournalStore _store;

    private FalSqliteRequestJournal(SqliteJournalStore store)
    {
        _store = store;
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
            return new FalSqliteRequestJournal(new SqliteJournalStore(connection));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<FalJournalEntry> AddAsync(string key, string appId, CancellationToken cancellationToken = default) => _store.AddAsync(key, appId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> GetAsync(string key, CancellationToken cancellationToken = default) => _store.GetAsync(key, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<FalJournalEntry> ListAsync(bool unfinishedOnly = false, CancellationToken cancellationToken = default) => _store.ListAsync(unfinishedOnly, cancellationToken);

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> TryLeaseAsync(string key, FalJournalLease lease, CancellationToken cancellationToken = default) => _store.TryLeaseAsync(key, lease, cancellationToken);

    /// <inheritdoc />
    public ValueTask<FalJournalEntry?> LeaseNextAsync(FalJournalLease lease, CancellationToken cancellationToken = default) => _store.LeaseNextAsync(lease, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> RenewAsync(FalJournalLease lease, CancellationToken cancellationToken = default) => _store.RenewAsync(lease, cancellationToken);

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string? key, FalJournalLease lease, CancellationToken cancellationToken = default) => _store.ReleaseAsync(key, lease, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TryRecordIntentAsync(string key, FalJournalLease lease, string inputHash, int? maxInFlight, CancellationToken cancellationToken = default) =>
        _store.TryRecordIntentAsync(key, lease, inputHash, maxInFlight, cancellationToken);

    /// <inheritdoc />
    public ValueTask RecordRequestIdAsync(string key, FalJournalLease lease, string requestId, CancellationToken cancellationToken = default) =>
        _store.RecordRequestIdAsync(key, lease, requestId, cancellationToken);

    /// <inheritdoc />
    public ValueTask RecordOutcomeAsync(string key, FalJournalLease lease, FalJournalOutcome outcome, CancellationToken cancellationToken = default) =>
        _store.RecordOutcomeAsync(key, lease, outcome, cancellationToken);

    /// <summary>Closes the file.</summary>
    /// <returns>A task that completes when closed.</returns>
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <summary>Closes the file.</summary>
    public void Dispose() => _store.Dispose();
}
