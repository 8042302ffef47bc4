using Fal.Reactive;

namespace RxConsole;

/// <summary>Where one request of the batch stands, as the progress views show it.</summary>
internal enum RowPhase
{
    Waiting,
    Submitting,
    Queued,
    Running,
    Done,
    Failed,
    TimedOut,
    Cancelled,
    NotStarted,
}

/// <summary>One row of the progress view: an immutable snapshot, replaced whole on every change.</summary>
internal sealed record ProgressRow(
    PromptJob Job,
    RowPhase Phase,
    string? RequestId = null,
    int? Position = null,
    string? LastLog = null,
    TimeSpan? Elapsed = null,
    string? Reason = null)
{
    public bool IsFinished => Phase >= RowPhase.Done;

    public bool IsActive => Phase is RowPhase.Submitting or RowPhase.Queued or RowPhase.Running;
}

/// <summary>
/// The batch's progress: one row per request, updated from whatever thread the pipeline runs on and read
/// by the view. Rows are immutable and swapped whole, so a reader always sees a consistent row.
/// </summary>
internal sealed class ProgressBoard
{
    private readonly ProgressRow[] _rows;
    private int _version;

    public ProgressBoard(IReadOnlyList<PromptJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        _rows = jobs.Select(job => new ProgressRow(job, RowPhase.Waiting)).ToArray();
    }

    /// <summary>Raised after a row changed phase (not on every log line), with the new row.</summary>
    public event Action<ProgressRow>? PhaseChanged;

    /// <summary>Increments on every change, so a view can skip redrawing when nothing moved.</summary>
    public int Version => Volatile.Read(ref _version);

    public bool Stopping { get; private set; }

    public IReadOnlyList<ProgressRow> Snapshot() => [.. _rows];

    public void Submitting(PromptJob job) => Set(job, row => row with { Phase = RowPhase.Submitting });

    public void Status(PromptJob job, FalStatus status) => Set(job, row => status switch
    {
        Queued q => row with { Phase = RowPhase.Queued, RequestId = q.RequestId, Position = q.Position },
        InProgress p => row with { Phase = RowPhase.Running, RequestId = p.RequestId, Position = null, LastLog = p.Logs is [.., var last] ? last.Message : row.LastLog },
        // Completed is shown once the outcome (with its time) arrives.
        _ => row with { RequestId = status.RequestId },
    });

    public void Finished(RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Set(outcome.Job, row => row with
        {
            Phase = outcome.Kind switch
            {
                OutcomeKind.Succeeded => RowPhase.Done,
                OutcomeKind.Failed => RowPhase.Failed,
                OutcomeKind.TimedOut => RowPhase.TimedOut,
                OutcomeKind.Cancelled => RowPhase.Cancelled,
                _ => RowPhase.NotStarted,
            },
            RequestId = outcome.RequestId ?? row.RequestId,
            Position = null,
            Elapsed = outcome.Elapsed,
            Reason = outcome.Reason,
        });
    }

    /// <summary>Ctrl+C was pressed: the views say so while the cancels go out.</summary>
    public void Stop()
    {
        Stopping = true;
        Interlocked.Increment(ref _version);
    }

    private void Set(PromptJob job, Func<ProgressRow, ProgressRow> change)
    {
        ProgressRow before, after;
        lock (_rows)
        {
            before = _rows[job.Number - 1];
            if (before.IsFinished)
            {
                return;
            }

            after = change(before);
            _rows[job.Number - 1] = after;
            Interlocked.Increment(ref _version);
        }

        if (after.Phase != before.Phase || after.Position != before.Position)
        {
            PhaseChanged?.Invoke(after);
        }
    }
}
