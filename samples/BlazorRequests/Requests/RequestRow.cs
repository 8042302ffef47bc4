using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fal.Reactive;

namespace BlazorRequests.Requests;

/// <summary>What a row of the batch shows for one request; changed only on the render context.</summary>
public sealed partial class RequestRow(int number, string prompt)
{
    private bool _cancelRequested;

    /// <summary>Gets the row's number in its batch, from 1.</summary>
    public int Number { get; } = number;

    /// <summary>Gets the prompt it was submitted with.</summary>
    public string Prompt { get; } = prompt;

    /// <summary>Gets the state the row shows.</summary>
    public RequestRowState State { get; private set; } = RequestRowState.Waiting;

    /// <summary>Gets fal's request id, once the submit has answered.</summary>
    public string? RequestId { get; private set; }

    /// <summary>Gets the 0-based queue position while queued.</summary>
    public int? QueuePosition { get; private set; }

    /// <summary>Gets the last log line.</summary>
    public string? LastLog { get; private set; }

    /// <summary>Gets the progress read from the logs ("Step 10/25"), 0 to 1; null when the logs give none.</summary>
    public double? Progress { get; private set; }

    /// <summary>Gets when the request was subscribed (submitted), on the client's scheduler clock.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>Gets when it ended, however it ended.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Gets the first image's URL once completed.</summary>
    public string? ImageUrl { get; private set; }

    /// <summary>Gets the error's type name when the request failed (<c>FalHttpException</c>, <c>TimeoutException</c>).</summary>
    public string? ErrorType { get; private set; }

    /// <summary>Gets what the error says (status code, detail), never the key.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets whether the request may still run (waiting in the batch, submitting, queued or running).</summary>
    public bool IsActive => State is RequestRowState.Waiting or RequestRowState.Submitting or RequestRowState.Queued or RequestRowState.Running;

    /// <summary>Gets whether the user asked to cancel it (read by the batch, on the client's scheduler, before it submits a waiting row).</summary>
    public bool CancelRequested => Volatile.Read(ref _cancelRequested);

    /// <summary>The batch subscribed to the row's request: it is being submitted.</summary>
    public void Start(DateTimeOffset now)
    {
        State = RequestRowState.Submitting;
        StartedAt = now;
    }

    /// <summary>Applies a status from the request's observable.</summary>
    public void Apply(FalStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        RequestId = status.RequestId;
        switch (status)
        {
            case Queued queued:
                State = RequestRowState.Queued;
                QueuePosition = queued.Position;
                break;
            case InProgress running:
                State = RequestRowState.Running;
                QueuePosition = null;
                ReadLogs(running.Logs);
                break;
            case Completed completed:
                QueuePosition = null;
                ReadLogs(completed.Logs);
                Progress = 1;
                ImageUrl = FirstImageUrl(completed.Result);
                State = RequestRowState.Completed;
                EndedAt = now;
                break;
        }
    }

    /// <summary>The request ended with an error: a typed <see cref="FalException"/> or the deadline's <see cref="TimeoutException"/>.</summary>
    public void Fail(Exception error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        ErrorType = error.GetType().Name;
        Error = error switch
        {
            FalHttpException http => string.Create(CultureInfo.InvariantCulture, $"HTTP {http.StatusCode}: {http.Detail ?? http.Message}"),
            TimeoutException => "The deadline passed: the subscription was disposed, which cancelled the request on fal.",
            _ => error.Message,
        };
        RequestId ??= (error as FalException)?.RequestId;
        State = error is TimeoutException ? RequestRowState.DeadlinePassed : RequestRowState.Failed;
        QueuePosition = null;
        EndedAt = now;
    }

    /// <summary>The user clicked Cancel (or Cancel all): the row's subscription is disposed, which cancels it on fal.</summary>
    public void Cancel(DateTimeOffset now)
    {
        Volatile.Write(ref _cancelRequested, true);
        if (!IsActive)
        {
            return;
        }

        State = RequestRowState.Cancelled;
        QueuePosition = null;
        EndedAt = now;
    }

    /// <summary>The time from submit to the end (or to <paramref name="now"/> while it runs).</summary>
    public TimeSpan? Elapsed(DateTimeOffset now) => StartedAt is { } start ? (EndedAt ?? now) - start : null;

    private void ReadLogs(IReadOnlyList<FalLog>? logs)
    {
        if (logs is not [.., var last])
        {
            return;
        }

        LastLog = last.Message;
        for (var i = logs.Count - 1; i >= 0; i--)
        {
            var step = StepPattern().Match(logs[i].Message);
            if (step.Success
                && int.TryParse(step.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var done)
                && int.TryParse(step.Groups[2].ValueSpan, CultureInfo.InvariantCulture, out var total)
                && total > 0)
            {
                Progress = Math.Clamp((double)done / total, 0, 1);
                return;
            }
        }
    }

    private static string? FirstImageUrl(JsonElement? result) =>
        result is { ValueKind: JsonValueKind.Object } output
        && output.TryGetProperty("images", out var images)
        && images.ValueKind == JsonValueKind.Array
        && images.GetArrayLength() > 0
        && images[0].TryGetProperty("url", out var url)
            ? url.GetString()
            : null;

    // "Step 10/25" (fast-sdxl's logs), "log 3/10": the last "n/m" in a log line is how far it got.
    [GeneratedRegex(@"(\d+)\s*/\s*(\d+)")]
    private static partial Regex StepPattern();
}
