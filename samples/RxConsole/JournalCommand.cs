using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fal.Reactive;
using Npgsql;

namespace RxConsole;

/// <summary>
/// <c>--journal</c>: the batch through a request journal. Each prompt is a key; killed at any moment and run again with the
/// same arguments, it re-attaches to what fal already has, submits only what fal never got, and writes each image once
/// (to a temporary name, then renamed, so a half-written file is never taken for a finished one).
/// </summary>
internal static class JournalCommand
{
    /// <returns>0 when every key succeeded; 1 otherwise; 2 for an unusable -o folder.</returns>
    public static async Task<int> RunAsync(SampleOptions options)
    {
        var jobs = PromptSource.Load(options);
        if (!OutputFolder.TryPrepare(options.OutputDirectory, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        await using var backend = await FalBackend.StartAsync(options);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) }; // downloads: no fal key on this one
        await using var journal = await OpenAsync(options.Journal!);
        var durable = backend.Client.Durable(journal.Journal, new FalDurableOptions { WorkerId = options.WorkerId ?? Environment.MachineName, LeaseDuration = TimeSpan.FromSeconds(10) });
        var items = jobs.Select(job => new FalBatchItem($"{job.Number:000}", options.App, Input(job, options))).ToList();
        var batchOptions = new FalBatchOptions
        {
            MaxConcurrency = options.Concurrency,
            SubmitOptions = new FalSubmitOptions { PollInterval = options.PollInterval },
            WriteOutput = (item, completed, token) => WriteImageAsync(http, options.OutputDirectory, item.Key, completed, token),
        };
        Console.WriteLine($"{items.Count} keys → {options.App} on {backend.Description}; journal {options.Journal}, worker {durable.WorkerId}.");
        var results = await durable.RunBatch(items, batchOptions)
            .Do(r => Console.WriteLine($"{r.Key} {r.State}{(r.FromJournal ? " (journal)" : "")} {r.RequestId} {r.Location ?? r.Error?.Message}"))
            .ToList();
        var failed = results.Count(r => !r.Succeeded);
        Console.WriteLine($"{results.Count - failed} succeeded, {failed} not.");
        return failed == 0 && results.Count == items.Count ? 0 : 1;
    }

    private static JsonObject Input(PromptJob job, SampleOptions options)
    {
        var input = new JsonObject { ["prompt"] = job.Prompt };
        if (options.Steps is { } steps)
        {
            input["num_inference_steps"] = steps;
        }

        if (options.ImageSize is { } size)
        {
            input["image_size"] = size;
        }

        return input;
    }

    private static async Task<string?> WriteImageAsync(HttpClient http, string directory, string key, Completed completed, CancellationToken token)
    {
        var path = Path.Combine(directory, key + ".png");
        if (File.Exists(path))
        {
            return path; // written before a crash that came before the record: once is enough
        }

        var url = completed.Result?.GetProperty("images")[0].GetProperty("url").GetString()
            ?? throw new InvalidOperationException($"Key {key}: the output has no image URL.");
        var bytes = url.StartsWith("data:", StringComparison.Ordinal)
            ? Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..])
            : await http.GetByteArrayAsync(new Uri(url), token);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        await File.WriteAllBytesAsync(temporary, bytes, token);
        File.Move(temporary, path, overwrite: false);
        return path;
    }

    private static async Task<OpenJournal> OpenAsync(string spec)
    {
        if (spec.StartsWith("postgres:", StringComparison.Ordinal))
        {
            var source = NpgsqlDataSource.Create(spec["postgres:".Length..]);
            return new OpenJournal(await FalPostgreSqlRequestJournal.OpenAsync(source, "rxconsole"), source);
        }

        return new OpenJournal(await FalSqliteRequestJournal.OpenAsync(spec), null);
    }

    private sealed record OpenJournal(IFalRequestJournal Journal, IAsyncDisposable? Source) : IAsyncDisposable
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
        }
    }
}
