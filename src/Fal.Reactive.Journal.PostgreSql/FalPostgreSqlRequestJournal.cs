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

    // The statements, shared with the SQLite journal (src/Shared/Journal/SqlJournalStore.cs).
    private readonly PostgreSqlJournalStore _store;

    private FalPostgreSqlRequestJournal(PostgreSqlJournalStore store, string name)
    {
        _store = store;
        Name = name;
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

        return new FalPostgreSqlRequestJournal(new PostgreSqlJournalStore(dataSource, journal), journal);
    }

    /// <summary>Gets the journal's name.</summary>
    public string Name { get; }

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
}
