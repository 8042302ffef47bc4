using System.Diagnostics;
using Npgsql;

namespace Fal.Reactive.Tests.Journal;

/// <summary>
/// A real PostgreSQL server for the journal tests: a throwaway cluster started by <c>eng/postgres-test-server.sh</c> (initdb as
/// the <c>postgres</c> user, 127.0.0.1, a free port), stopped when the tests end. <c>FAL_PG_CONNECTION</c> points the tests at a
/// server of one's own instead (a container, see docs/durable-batches.md).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string? _dir;

    public PostgresServer()
    {
        if (Environment.GetEnvironmentVariable("FAL_PG_CONNECTION") is { Length: > 0 } given)
        {
            ConnectionString = given;
        }
        else
        {
            var script = Path.Combine(RepoRoot(), "eng", "postgres-test-server.sh");
            var output = Run(script, "start").Trim();
            var bar = output.LastIndexOf('|');
            ConnectionString = output[..bar];
            _dir = output[(bar + 1)..];
        }

        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public void Dispose()
    {
        DataSource.Dispose();
        if (_dir is not null)
        {
            Run(Path.Combine(RepoRoot(), "eng", "postgres-test-server.sh"), "stop", _dir);
        }
    }

    private static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {stderr}");
        }

        return stdout;
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Fal.Reactive.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Fal.Reactive.sln not found above the test binaries.");
        }

        return dir;
    }
}
