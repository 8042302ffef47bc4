using System.Reactive.Subjects;
using BlazorRequests.Binding;
using BlazorRequests.Components.Realtime;
using BlazorRequests.Requests;
using Microsoft.AspNetCore.Components;

namespace BlazorRequests.Components.Pages;

/// <summary>
/// The page: a batch of prompts as one bound observable (<see cref="RequestBatch"/>), one row per request. The batch
/// is bound with <see cref="ObservableComponent.Bind"/>: statuses marshalled onto this component's render context,
/// one render each; Cancel all and leaving the page dispose the binding, which cancels on fal what still runs.
/// </summary>
public sealed partial class LiveRequests
{
    private readonly Subject<RequestRow> _cancelClicks = new();
    private IDisposable? _batch;
    private RealtimePanel? _realtime;

    /// <summary>Gets or sets the backend (injected).</summary>
    [Inject]
    public required SampleBackend Backend { get; set; }

    /// <summary>Gets the rows of the current batch.</summary>
    public IReadOnlyList<RequestRow> Rows { get; private set; } = [];

    private string PromptText { get; set; } = "a lighthouse at dawn\na fox in the snow\na city of glass";

    private int Concurrency { get; set; } = 2;

    private int DeadlineSeconds { get; set; } = 30;

    private int Steps { get; set; } = 50;

    private bool RealtimeMode { get; set; }

    /// <summary>Starts a batch of the prompt box's lines (cancelling a batch still running).</summary>
    private void RunBatch()
    {
        CancelAll();
        var rows = PromptText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((prompt, i) => new RequestRow(i + 1, prompt))
            .ToList();
        Rows = rows;
        if (rows.Count == 0)
        {
            return;
        }

        var settings = new BatchSettings(Math.Clamp(Concurrency, 1, 16), TimeSpan.FromSeconds(Math.Clamp(DeadlineSeconds, 1, 600)), Math.Clamp(Steps, 1, 100));
        var batch = new RequestBatch(Backend.Client, Backend.Scheduler, SampleBackend.DefaultApp);
        _batch = Bind(batch.Run(rows, settings, _cancelClicks), update => update.ApplyTo(Backend.Scheduler.Now));
    }

    /// <summary>A row's Cancel button: its request's subscription is disposed (the batch goes on with the next row).</summary>
    private void Cancel(RequestRow row)
    {
        row.Cancel(Backend.Scheduler.Now);
        _cancelClicks.OnNext(row);
    }

    /// <summary>Cancel all: disposing the batch's binding disposes every request in it; none still waiting is submitted.</summary>
    private void CancelAll()
    {
        _batch?.Dispose();
        _batch = null;
        foreach (var row in Rows)
        {
            row.Cancel(Backend.Scheduler.Now);
        }
    }

    /// <summary>Typing in realtime mode sends the prompt box's text through the realtime connection (paced there).</summary>
    private void OnTyped() => _realtime?.Type(PromptText);

    private string Summary()
    {
        var counts = Rows.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        return string.Join(", ", counts);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // the batch's binding with it: leaving the page cancels on fal what still runs
        if (disposing)
        {
            _cancelClicks.Dispose();
        }
    }
}
