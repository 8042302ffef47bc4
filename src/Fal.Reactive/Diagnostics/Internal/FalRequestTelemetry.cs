using System.Diagnostics;
using System.Globalization;
using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// One request's span, log events and measurements, from its subscription's start to its end. The subscription hands it to
/// each call it makes (submit, polls, result, status stream, cancel), which count themselves and their
/// retries on it; its span is <see cref="Activity.Current"/> in the subscription's async flow, so HttpClient's own
/// spans nest under it. Durations are read from the subscription's scheduler.
/// </summary>
internal sealed class FalRequestTelemetry
{
    private readonly FalDiagnostics _diagnostics;
    private readonly string _appId;
    private readonly IScheduler _scheduler;
    private Activity? _activity;
    private DateTimeOffset _start;
    private DateTimeOffset? _runningSince;
    private bool _queueMeasured;
    private string? _requestId;
    private int _httpCalls;
    private string _outcome = "cancelled";
    private string? _errorType;
    private bool _ended;

    public FalRequestTelemetry(FalDiagnostics diagnostics, string appId, IScheduler scheduler)
    {
        _diagnostics = diagnostics;
        _appId = appId;
        _scheduler = scheduler;
    }

    /// <summary>Starts the span (a child of the subscriber's <see cref="Activity.Current"/>); call from the subscription's own async method.</summary>
    public void Start()
    {
        _start = _scheduler.Now;
        _activity = FalDiagnostics.Source.StartActivity("fal.request", ActivityKind.Client);
        _activity?.SetTag("fal.app_id", _appId);
    }

    public void Submitted(string requestId, int? queuePosition)
    {
        _requestId = requestId;
        _activity?.SetTag("fal.request_id", requestId);
        _activity?.AddEvent(new ActivityEvent("fal.submitted", tags: new ActivityTagsCollection { ["fal.queue_position"] = queuePosition }));
        FalLogMessages.Submitted(_diagnostics.Logger, requestId, _appId, queuePosition);
    }

    /// <summary>A status that was news (emitted to the subscriber).</summary>
    public void StatusChanged(FalStatus status)
    {
        switch (status)
        {
            case Queued queued:
                _activity?.AddEvent(new ActivityEvent("fal.queued", tags: new ActivityTagsCollection { ["fal.queue_position"] = queued.Position }));
                FalLogMessages.StatusChanged(_diagnostics.Logger, status.RequestId, _appId, "IN_QUEUE", queued.Position);
                break;
            case InProgress when _runningSince is null:
                _runningSince = _scheduler.Now;
                MeasureQueue(_runningSince.Value);
                _activity?.AddEvent(new ActivityEvent("fal.started"));
                FalLogMessages.StatusChanged(_diagnostics.Logger, status.RequestId, _appId, "IN_PROGRESS", null);
                break;
        }
    }

    public void Completed(Completed completed)
    {
        _outcome = "completed";
        var now = _scheduler.Now;
        MeasureQueue(now);
        if (_runningSince is { } since)
        {
            _diagnostics.Instruments.RunDuration.Record((now - since).TotalSeconds, new KeyValuePair<string, object?>("fal.app_id", _appId));
        }

        _activity?.AddEvent(new ActivityEvent("fal.completed"));
        FalLogMessages.Completed(_diagnostics.Logger, completed.RequestId, _appId, now - _start);
        End();
    }

    /// <summary>
    /// A submit that returns a handle (<see cref="FalClient.SubmitAsync"/>) ends its span and measurements once fal has
    /// queued the request, with the outcome <c>submitted</c>: what follows (polls by the handle, a webhook) is not this call's.
    /// </summary>
    public void Enqueued()
    {
        _outcome = "submitted";
        End();
    }

    public void Failed(Exception exception)
    {
        _outcome = "failed";
        _errorType = exception is FalHttpException http
            ? http.StatusCode.ToString(CultureInfo.InvariantCulture)
            : exception.GetType().FullName;
        _activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        FalLogMessages.Failed(_diagnostics.Logger, exception, _requestId, _appId, exception.Message);
        End();
    }

    public void OnHttpCall() => Interlocked.Increment(ref _httpCalls);

    public void OnRetry(string operation, int attempt) =>
        _activity?.AddEvent(new ActivityEvent("fal.retry", tags: new ActivityTagsCollection { ["fal.operation"] = operation, ["fal.attempt"] = attempt }));

    public void OnCancelSent() => _activity?.AddEvent(new ActivityEvent("fal.cancel_sent"));

    /// <summary>
    /// Records the outcome and ends the span, once: completion and failure end it before the subscriber hears
    /// of them (so a caller that awaited the result sees the metrics and the span), anything else (disposal)
    /// ends it as cancelled after the subscription's exit path, whose cancel it then shows.
    /// </summary>
    public void End()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        var tags = new TagList { { "fal.app_id", _appId }, { "fal.outcome", _outcome } };
        if (_errorType is not null)
        {
            tags.Add("error.type", _errorType);
        }

        var instruments = _diagnostics.Instruments;
        instruments.Requests.Add(1, tags);
        instruments.Duration.Record((_scheduler.Now - _start).TotalSeconds, tags);
        instruments.HttpCalls.Record(Volatile.Read(ref _httpCalls), tags);
        if (_activity is { } activity)
        {
            activity.SetTag("fal.outcome", _outcome);
            if (_errorType is not null)
            {
                activity.SetTag("error.type", _errorType);
            }

            activity.Dispose();
        }
    }

    private void MeasureQueue(DateTimeOffset until)
    {
        if (!_queueMeasured)
        {
            _queueMeasured = true;
            _diagnostics.Instruments.QueueDuration.Record((until - _start).TotalSeconds, new KeyValuePair<string, object?>("fal.app_id", _appId));
        }
    }
}
