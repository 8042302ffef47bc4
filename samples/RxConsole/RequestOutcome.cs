using System.Reactive;
using System.Text.Json;
using Fal.Reactive;

namespace RxConsole;

/// <summary>How one request of the batch ended.</summary>
internal enum OutcomeKind
{
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    NotStarted,
}

/// <summary>
/// One request's outcome as a plain value, so that a failure is data in the gathered list rather than an
/// error that would end the whole batch.
/// </summary>
internal sealed record RequestOutcome(
    PromptJob Job,
    OutcomeKind Kind,
    string? RequestId,
    TimeSpan Elapsed,
    string? Reason,
    Completed? Completed)
{
    public bool IsSuccess => Kind == OutcomeKind.Succeeded;

    /// <summary>The outcome as people read it: "succeeded", "timed out", "not started"...</summary>
    public static string Label(OutcomeKind kind) => kind switch
    {
        OutcomeKind.TimedOut => "timed out",
        OutcomeKind.NotStarted => "not started",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The app's output JSON, for a success.</summary>
    public JsonElement? Result => Completed?.Result;

    public static RequestOutcome NotStarted(PromptJob job) =>
        new(job, OutcomeKind.NotStarted, null, TimeSpan.Zero, "never submitted (Ctrl+C)", null);

    /// <summary>
    /// Classifies the first notification of a request that matters: its <see cref="Completed"/> status, its
    /// error, or a completion without <see cref="Completed"/> (only <c>TakeUntil</c> does that: cancelled).
    /// </summary>
    public static RequestOutcome Classify(PromptJob job, Notification<FalStatus> notification, string? requestId, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return notification.Kind switch
        {
            NotificationKind.OnNext when notification.Value is Completed completed =>
                new(job, OutcomeKind.Succeeded, completed.RequestId, elapsed, null, completed),
            NotificationKind.OnError => FromError(job, notification.Exception!, requestId, elapsed),
            _ => new(job, OutcomeKind.Cancelled, requestId, elapsed,
                requestId is null ? "cancelled while being submitted" : "cancelled on the server", null),
        };
    }

    private static RequestOutcome FromError(PromptJob job, Exception error, string? requestId, TimeSpan elapsed) => error switch
    {
        // Rx's Timeout disposed the request (which cancelled it on the server) and raised this.
        TimeoutException => new(job, OutcomeKind.TimedOut, requestId, elapsed, "deadline passed; cancelled on the server", null),
        FalHttpException { IsCancelled: true } http => new(job, OutcomeKind.Cancelled, http.RequestId ?? requestId, elapsed, "cancelled (HTTP 499)", null),
        FalHttpException http => new(job, OutcomeKind.Failed, http.RequestId ?? requestId, elapsed, Describe(http), null),
        _ => new(job, OutcomeKind.Failed, requestId, elapsed, $"{error.GetType().Name}: {error.Message}", null),
    };

    private static string Describe(FalHttpException http)
    {
        var detail = http.ValidationErrors.Count > 0
            ? string.Join("; ", http.ValidationErrors.Select(v => $"{string.Join('.', v.Loc)}: {v.Msg}"))
            : http.Detail ?? http.Message;
        var type = http.ErrorType is null ? "" : $" ({http.ErrorType})";
        return $"HTTP {http.StatusCode}{type}: {detail}";
    }
}
