using System.Data.Common;
using Npgsql;

namespace Fal.Reactive;

/// <summary>The journal's statements on PostgreSQL: a pooled connection per statement, the rows of one named journal.</summary>
internal sealed class PostgreSqlJournalStore(NpgsqlDataSource source, string journal) : SqlJournalStore
{
    protected override string Scope => "journal = @journal";

    protected override string InsertSql => "INSERT INTO fal_journal (journal, key, app_id) VALUES (@journal, @key, @app) ON CONFLICT (journal, key) DO NOTHING";

    // SKIP LOCKED: a worker racing for the same row takes the next one instead of waiting for this one.
    protected override string PickLock => " FOR UPDATE SKIP LOCKED";

    protected override async Task<int> ExecuteAsync(string sql, Action<DbCommand> parameters, bool serialize, CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Under READ COMMITTED two workers could both count one below the cap: a transaction lock per journal
            // serializes the count and the update.
            var tx = serialize ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            try
            {
                if (tx is not null)
                {
                    // Held until commit: the journal's writers that count in-flight keys take turns.
                    using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@journal))", connection, tx);
                    JournalRows.Add(lockCommand, "journal", journal);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var command = Command(sql, parameters, connection, tx);
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

    protected override async Task<List<FalJournalEntry>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(sql, parameters, connection, null);
            return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    private NpgsqlCommand Command(string sql, Action<DbCommand> parameters, NpgsqlConnection connection, NpgsqlTransaction? tx)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        JournalRows.Add(command, "journal", journal);
        parameters(command);
        return command;
    }
}
