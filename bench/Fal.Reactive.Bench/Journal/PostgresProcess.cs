using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Fal.Reactive.Bench.Journal;

/// <summary>
/// A throwaway PostgreSQL cluster for the journal run, started and stopped by <c>eng/postgres-test-server.sh</c> (the
/// tests' server: trust auth on 127.0.0.1, started with fsync off; <see cref="SetFsyncAsync"/> turns it on and off).
/// Its CPU is read from /proc: the postmaster's and its live children's, plus what its exited children used.
/// </summary>
internal sealed class PostgresProcess : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _dir;

    private PostgresProcess(string script, string connectionString, string dir)
    {
        _script = script;
        ConnectionString = connectionString;
        _dir = dir;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresProcess> StartAsync()
    {
        var script = Path.Combine(Load.EmulatorProcess.RepositoryRoot(), "eng", "postgres-test-server.sh");
        var output = (await RunAsync(script, "start")).Trim();
        var bar = output.LastIndexOf('|');
        return bar < 0 ? throw new InvalidOperationException("eng/postgres-test-server.sh printed no server: " + output) : new PostgresProcess(script, output[..bar], output[(bar + 1)..]);
    }

    /// <summary>fsync is a reloadable setting: ALTER SYSTEM, then a reload, and every backend flushes (or not) from then on.</summary>
    public async Task SetFsyncAsync(bool on)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER SYSTEM SET fsync = {(on ? "on" : "off")}", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteNonQueryAsync();
        await Task.Delay(500); // the postmaster signals its backends; give them a moment
    }

    public double CpuSeconds()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_dir, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string[] fields;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": state is field 0
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }

            long F(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            // Fields after the name: 1 ppid, 11 utime, 12 stime, 13 cutime, 14 cstime (proc(5), counted from state = 0).
            if (pid == postmaster)
            {
                ticks += F(11) + F(12) + F(13) + F(14);
            }
            else if (F(1) == postmaster)
            {
                ticks += F(11) + F(12);
            }
        }

        return ticks / 100.0; // USER_HZ
    }

    public async ValueTask DisposeAsync() => await RunAsync(_script, "stop", _dir);

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("bash did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{Path.GetFileName(script)} {args[0]} failed (exit {process.ExitCode}).");
    }
}
