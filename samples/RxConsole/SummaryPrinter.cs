using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RxConsole;

/// <summary>The summary table printed at the end of a batch.</summary>
internal static class SummaryPrinter
{
    public static void Print(BatchReport report, string summaryFile)
    {
        ArgumentNullException.ThrowIfNull(report);
        // The prompt column only when there is room: the image file names carry the prompt too.
        var wide = AnsiConsole.Profile.Width >= 150;
        var table = new Table().Border(TableBorder.Rounded).Title("Summary")
            .AddColumn(new TableColumn("#").RightAligned());
        if (wide)
        {
            table.AddColumn("Prompt");
        }

        table.AddColumn("Outcome")
            .AddColumn(new TableColumn("Time").RightAligned())
            .AddColumn(new TableColumn("Request").NoWrap())
            .AddColumn("Image / reason");
        var detailWidth = Math.Clamp(AnsiConsole.Profile.Width - (wide ? 110 : 72), 20, 64);

        foreach (var r in report.Requests)
        {
            var outcome = r.Outcome;
            var detail = outcome.IsSuccess
                ? string.Join(", ", r.Images.Select(i => i.File is { } f ? Path.GetFileName(f) : i.Error))
                : outcome.Reason ?? "";
            var cells = new List<IRenderable> { new Text(outcome.Job.Number.ToString(CultureInfo.InvariantCulture)) };
            if (wide)
            {
                cells.Add(new Text(ProgressView.Shorten(outcome.Job.Prompt, 32)));
            }

            cells.AddRange(
                new Markup(r.Ok ? "[green]succeeded[/]" : outcome.IsSuccess ? "[red]no image[/]" : Color(outcome.Kind)),
                new Text(outcome.Kind == OutcomeKind.NotStarted ? "" : ProgressView.Seconds(outcome.Elapsed)),
                new Text(outcome.RequestId ?? ""),
                // File names may be cut; why a request failed is wrapped in full.
                new Text(outcome.IsSuccess ? ProgressView.Shorten(detail ?? "", detailWidth) : detail ?? ""));
            table.AddRow(cells);
        }

        AnsiConsole.Write(table);
        var counts = string.Join(", ", Enum.GetValues<OutcomeKind>()
            .Where(k => report.Count(k) > 0)
            .Select(k => $"{report.Count(k)} {RequestOutcome.Label(k)}"));
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"{report.Requests.Count} requests in {report.Elapsed.TotalSeconds:0.0}s: {counts}.");
        if (report.CancelledByUser)
        {
            var cancelled = report.Requests.Where(r => r.Outcome.Kind == OutcomeKind.Cancelled).ToList();
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Ctrl+C: {cancelled.Count} pending requests cancelled on the server ({Ids(cancelled)}); {report.Count(OutcomeKind.NotStarted)} never submitted.");
        }

        if (report.EmulatorStates is { } states)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Emulator request states (GET /_emulator/requests): {(states.Count == 0 ? "none" : string.Join(", ", states.Select(s => $"{s.Value} {s.Key}")))}.");
        }

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote {summaryFile} and {report.Requests.Sum(r => r.Images.Count(i => i.File is not null))} images.");
    }

    private static string Ids(List<RequestReport> reports) =>
        string.Join(", ", reports.Take(4).Select(r => r.Outcome.RequestId ?? "id unknown")) + (reports.Count > 4 ? ", …" : "");

    private static string Color(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Failed => "[red]failed[/]",
        OutcomeKind.TimedOut => "[orange1]timed out[/]",
        OutcomeKind.Cancelled => "[fuchsia]cancelled[/]",
        _ => "[grey]not started[/]",
    };
}
