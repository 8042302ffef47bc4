using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using Fal.Reactive.Bench.Load;
using Npgsql;

namespace Fal.Reactive.Bench.Journal;

/// <summary>
/// One side of the journal run, in its own process (so CPU and peak RSS are that side's alone): a batch of N requests
/// through the client with no journal (<c>Submit</c> per item, <c>Merge</c> at the batch's concurrency), or through
/// <c>Durable(journal).RunBatch</c> on SQLite or PostgreSQL. Prints one JSON line.
/// </summary>
internal static class JournalWorker
{
    public static async Task<int> RunAsync(string side, Uri baseUrl, int n, string? connectionString)
    {
        var (http, client) = LoadClient.Create(baseUrl, JournalRun.Interval);
        using var disposeHttp = http;
        using var disposeClient = client;
        var input = JsonDocument.Parse(JournalRun.InputJson).RootElement;

        await using var journal = await OpenAsync(side, connectionString);
        var counting = journal.Journal is { } inner ? new CountingJournal(inner) : null;
        var durable = counting is null ? null : client.Durable(counting);
        Func<string, int, Task> run = durable is null
            ? (prefix, count) => Enumerable.Range(0, count)
                .Select(_ => client.Submit(JournalRun.App, input).LastAsync())
                .Merge(JournalRun.Concurrency).LastOrDefaultAsync().ToTask()
            : (prefix, count) => durable.RunBatch(
                    Enumerable.Range(0, count).Select(i => new FalBatchItem(prefix + i.ToString("00000", CultureInfo.InvariantCulture), JournalRun.App, input)),
                    new FalBatchOptions { MaxConcurrency = JournalRun.Concurrency })
                .Do(r =>
                {
                    if (!r.Succeeded)
                    {
                        throw new InvalidOperationException($"{r.Key}: {r.State} {r.Error?.Message}");
                    }
                })
                .LastOrDefaultAsync().ToTask();

        await run("warm-", 50); // JIT, connection pool, the journal's first statements
        GC.Collect();
        var before = ProcStatus.Self();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var (writes, reads) = (counting?.Writes ?? 0, counting?.Reads ?? 0);
        var wall = Stopwatch.StartNew();
        await run("key-", n);
        wall.Stop();
        process.Refresh();
        var after = ProcStatus.Self();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["side"] = side,
            ["wall_s"] = wall.Elapsed.TotalSeconds,
            ["cpu_s"] = (process.TotalProcessorTime - cpu).TotalSeconds,
            ["rss_before_kb"] = before.RssKb,
            ["peak_rss_kb"] = after.PeakRssKb,
            ["writes"] = (counting?.Writes ?? 0) - writes,
            ["reads"] = (counting?.Reads ?? 0) - reads,
        }));
        return 0;
    }

    private static async Task<OpenJournal> OpenAsync(string side, string? connectionString)
    {
        switch (side)
        {
            case "none":
                return new OpenJournal(null, null, null);
            case "sqlite":
                // As shipped: WAL, synchronous=FULL. A temp file, deleted at the end.
                var path = Path.Combine(Path.GetTempPath(), "fal-bench-" + Guid.NewGuid().ToString("N") + ".journal");
                return new OpenJournal(await FalSqliteRequestJournal.OpenAsync(path), null, path);
            default:
                var source = NpgsqlDataSource.Create(connectionString ?? throw new ArgumentException("The postgres sides need a connection string."));
                return new OpenJournal(await FalPostgreSqlRequestJournal.OpenAsync(source, "bench-" + Guid.NewGuid().ToString("N")), source, null);
        }
    }

    private sealed record OpenJournal(IFalRequestJournal? Journal, NpgsqlDataSource? Source, string? File) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (Journal is IAsyncDisposable own)
            {
                await own.DisposeAsync();
            }

            if (Source is not null)
            {
                await Source.DisposeAsync();
            }

            if (File is not null)
            {
                foreach (var suffix in (string[])["", "-wal", "-shm"])
                {
                    System.IO.File.Delete(File + suffix);
                }
            }
        }
    }
}
