using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Fal.Reactive;

/// <summary>The journal's statements on one SQLite connection: a file holds one journal; one statement at a time.</summary>
internal sealed class SqliteJournalStore(SqliteConnection connection) : SqlJournalStore, IAsyncDisposable, IDisposable
{
    // One statement at a time on the one connection (SQLite serializes writers anyway, across processes too: every
    // statement runs under its write lock, so the in-flight count needs no lock of its own).
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override string Scope => "1 = 1";

    protected override string InsertSql => "INSERT INTO fal_journal (key, app_id) VALUES (@key, @app) ON CONFLICT (key) DO NOTHING";

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    public void Dispose()
    {
        connection.Dispose();
        _gate.Dispose();
    }

    protected override async Task<int> ExecuteAsync(string sql, Action<DbCommand> parameters, bool serialize, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task<List<FalJournalEntry>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(sql, parameters);
            return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, Action<DbCommand> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command);
        return command;
    }
}
