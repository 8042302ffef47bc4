using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RxConsole;

/// <summary>Shows a <see cref="ProgressBoard"/> until the batch ends.</summary>
internal static class ProgressView
{
    /// <summary>The live table in a terminal; plain lines when the output is redirected or --plain.</summary>
    public static Task ShowAsync(ProgressBoard board, Task batch, bool plain) =>
        plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
            ? PlainAsync(board, batch)
            : LiveAsync(board, batch);

    private static async Task PlainAsync(ProgressBoard board, Task batch)
    {
        void Print(ProgressRow row) => Console.WriteLine($"[{row.Job.Number:00}] {Describe(row)}");
        board.PhaseChanged += Print;
        try
        {
            await batch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            board.PhaseChanged -= Print;
        }
    }

    private static Task LiveAsync(ProgressBoard board, Task batch) =>
        AnsiConsole.Live(Render(board, finished: false)).AutoClear(false).StartAsync(async ctx =>
        {
            var shown = -1;
            while (true)
            {
                var version = board.Version;
                if (version != shown)
                {
                    ctx.UpdateTarget(Render(board, finished: false));
                    shown = version;
                }

                if (batch.IsCompleted)
                {
                    break;
                }

                await Task.WhenAny(batch, Task.Delay(100)).ConfigureAwait(false);
            }

            ctx.UpdateTarget(Render(board, finished: true));
        });

    private static Table Render(ProgressBoard board, bool finished)
    {
        var rows = board.Snapshot();
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn("Prompt")
            .AddColumn("State")
            .AddColumn("Detail")
            .AddColumn("Request");

        // Keep the table within the terminal: active rows first, then the latest finished, then waiting.
        var room = Math.Max(5, Console.WindowHeight - 10);
        var visible = rows.Count <= room
            ? rows
            : rows.Where(r => r.IsActive)
                .Concat(rows.Where(r => r.IsFinished).Reverse())
                .Concat(rows.Where(r => r.Phase == RowPhase.Waiting))
                .Take(room)
                .OrderBy(r => r.Job.Number)
                .ToList();

        var promptWidth = Math.Clamp(AnsiConsole.Profile.Width - 80, 12, 40);
        foreach (var row in visible)
        {
            table.AddRow(
                new Text(row.Job.Number.ToString(CultureInfo.InvariantCulture)),
                new Text(Shorten(row.Job.Prompt, promptWidth)),
                State(row),
                // Why a request failed is the one detail not cut short: the table wraps it instead.
                new Text(row.Phase is RowPhase.Failed or RowPhase.TimedOut or RowPhase.NotStarted ? Detail(row) : Shorten(Detail(row), 32)),
                new Text(row.RequestId is { } id ? Shorten(id, 13) : "", new Style(Color.Grey)));
        }

        var counts = rows.GroupBy(r => r.Phase).OrderBy(g => g.Key)
            .Select(g => $"{Label(g.Key)} {g.Count()}");
        var caption = string.Join(" · ", counts) + (board.Stopping, finished) switch
        {
            (true, false) => " — Ctrl+C: cancelling…",
            (true, true) => " — stopped by Ctrl+C",
            (false, false) => " — Ctrl+C cancels",
            _ => "",
        };
        return table.Caption(Markup.Escape(caption));
    }

    private static Markup State(ProgressRow row) => row.Phase switch
    {
        RowPhase.Waiting => new Markup("[grey]waiting[/]"),
        RowPhase.Submitting => new Markup("[blue]submitting[/]"),
        RowPhase.Queued => new Markup("[yellow]queued[/]"),
        RowPhase.Running => new Markup("[aqua]running[/]"),
        RowPhase.Done => new Markup("[green]done[/]"),
        RowPhase.Failed => new Markup("[red]failed[/]"),
        RowPhase.TimedOut => new Markup("[orange1]timed out[/]"),
        RowPhase.Cancelled => new Markup("[fuchsia]cancelled[/]"),
        _ => new Markup("[grey]not started[/]"),
    };

    private static string Detail(ProgressRow row) => row.Phase switch
    {
        RowPhase.Queued => $"position {row.Position}",
        RowPhase.Running => row.LastLog ?? "",
        RowPhase.Done or RowPhase.Cancelled => Seconds(row.Elapsed),
        RowPhase.Failed or RowPhase.TimedOut => $"{Seconds(row.Elapsed)} {row.Reason}",
        RowPhase.NotStarted => row.Reason ?? "",
        _ => "",
    };

    /// <summary>One line per phase change, for the plain view.</summary>
    private static string Describe(ProgressRow row) => row.Phase switch
    {
        RowPhase.Submitting => "submitting",
        RowPhase.Queued => $"queued at position {row.Position} ({row.RequestId})",
        RowPhase.Running => $"running ({row.RequestId})" + (row.LastLog is { } log ? $": {log}" : ""),
        RowPhase.Done => $"done in {Seconds(row.Elapsed)} ({row.RequestId})",
        RowPhase.Failed => $"failed after {Seconds(row.Elapsed)}: {row.Reason}",
        RowPhase.TimedOut => $"timed out after {Seconds(row.Elapsed)}: {row.Reason}",
        RowPhase.Cancelled => $"cancelled after {Seconds(row.Elapsed)}: {row.Reason}",
        RowPhase.NotStarted => "not started: " + row.Reason,
        _ => row.Phase.ToString(),
    };

    private static string Label(RowPhase phase) => phase switch
    {
        RowPhase.TimedOut => "timed out",
        RowPhase.NotStarted => "not started",
        _ => phase.ToString().ToLowerInvariant(),
    };

    internal static string Seconds(TimeSpan? elapsed) =>
        elapsed is { } e ? e.TotalSeconds.ToString("0.0s", CultureInfo.InvariantCulture) : "";

    internal static string Shorten(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
