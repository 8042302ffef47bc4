using System.Diagnostics;
using System.Globalization;
using System.Reactive;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Spectre.Console;

namespace RxConsole;

/// <summary>The default command: run the batch with live progress, save the results, print the summary.</summary>
internal static class BatchCommand
{
    /// <returns>0 when every request succeeded and its images were saved; else 130 after Ctrl+C, 2 for an unusable -o folder, 1 otherwise.</returns>
    public static async Task<int> RunAsync(SampleOptions options)
    {
        var jobs = PromptSource.Load(options);
        if (!OutputFolder.TryPrepare(options.OutputDirectory, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        await using var backend = await FalBackend.StartAsync(options);
        // For image downloads and the emulator's request list: no fal key on this one, ever.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{jobs.Count}[/] prompts → [bold]{options.App}[/] on {backend.Description}; Merge({options.Concurrency}), Timeout({options.Timeout.TotalSeconds:0.#}s) per request.");

        var board = new ProgressBoard(jobs);
        var stop = new AsyncSubject<Unit>(); // replays to requests that start after Ctrl+C
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            if (stop.IsCompleted)
            {
                return; // a second Ctrl+C ends the process
            }

            e.Cancel = true;
            board.Stop();
            stop.OnNext(Unit.Default);
            stop.OnCompleted();
        }

        Console.CancelKeyPress += OnCancelKey;
        var started = Stopwatch.GetTimestamp();
        IList<RequestOutcome> outcomes;
        try
        {
            var batch = BatchPipeline.Create(backend.Client, options, jobs, board, stop, () => stop.IsCompleted).ToTask();
            await ProgressView.ShowAsync(board, batch, options.Plain);
            outcomes = await batch;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKey;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var disposedEarly = outcomes.Where(o => o.Kind is OutcomeKind.Cancelled or OutcomeKind.TimedOut).ToList();
        if (disposedEarly.Count > 0)
        {
            // Disposal sends the cancels without waiting for them: let them land before we look or leave.
            await backend.SettleAsync();
        }

        var downloader = new ImageDownloader(http, options.OutputDirectory);
        var reports = new List<RequestReport>();
        foreach (var outcome in outcomes.OrderBy(o => o.Job.Number))
        {
            var images = outcome.IsSuccess ? await downloader.SaveAsync(outcome, CancellationToken.None) : [];
            reports.Add(new RequestReport(outcome, images));
        }

        var report = new BatchReport(
            options.App,
            backend.Description,
            options.Concurrency,
            options.Timeout,
            stop.IsCompleted,
            elapsed,
            reports,
            await backend.EmulatorStatesAsync(http));
        var summaryFile = await report.WriteJsonAsync(options.OutputDirectory);
        SummaryPrinter.Print(report, summaryFile);
        return report.AllOk ? 0 : report.CancelledByUser ? 130 : 1;
    }
}
