using System.Globalization;
using System.Reactive.Concurrency;
using Fal.Reactive.Testing.Internal;
using Fal.Reactive.Testing.Streaming;

namespace Fal.Reactive.Testing.Queue;

/// <summary>
/// The queue model: every request received, the queue in priority order, the worker pool, and each request's life
/// (enqueue, dispatch, run, finish, cancel, start timeout). Not thread-safe: the facade calls it under its lock.
/// </summary>
internal sealed class QueueModel(IScheduler scheduler, int workers, ScheduleChange after, WebhookOutbox webhooks)
{
    private readonly List<RequestRecord> _requests = [];
    private readonly Dictionary<string, RequestRecord> _byId = new(StringComparer.Ordinal);
    private readonly List<RequestRecord> _waiting = [];
    private readonly ScriptPlayback _playback = new(scheduler, after);
    private int _running;
    private long _requestCount;

    /// <summary>Gets every request received, in arrival order.</summary>
    public IReadOnlyList<RequestRecord> Requests => _requests;

    /// <summary>Returns a new request id: deterministic and UUID-shaped, so the same script gives the same ids, run after run.</summary>
    public string NewRequestId()
    {
        var n = ++_requestCount;
        return string.Create(CultureInfo.InvariantCulture, $"{n:x8}-5f1a-4000-8000-{n:x12}");
    }

    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RequestRecord? record) =>
        _byId.TryGetValue(id, out record);

    /// <summary>Returns the 0-based queue position of a queued request; null once a worker has started it.</summary>
    public int? PositionOf(RequestRecord record) =>
        record.State == FalSimulatedRequestState.Queued ? _waiting.IndexOf(record) : null;

    /// <summary>Queues a submitted request behind the requests of its priority class and starts it if a worker is free.</summary>
    public void Enqueue(RequestRecord record, DeferredActions deferred)
    {
        Add(record);
        record.State = FalSimulatedRequestState.Queued;

        // Normal priority goes ahead of low; within a class, arrival order.
        var index = _waiting.FindIndex(q => q.LowPriority && !record.LowPriority);
        _waiting.Insert(index < 0 ? _waiting.Count : index, record);

        if (record.StartTimeout is { } timeout)
        {
            record.StartTimeoutTimer = after(timeout, d => OnStartTimeout(record, d));
        }

        if (record.Script.QueueTime > TimeSpan.Zero)
        {
            record.QueueTimer = after(record.Script.QueueTime, d =>
            {
                record.QueueTimeElapsed = true;
                DispatchWorkers(d);
            });
        }
        else
        {
            record.QueueTimeElapsed = true;
        }

        DispatchWorkers(deferred);
    }

    /// <summary>Starts a direct call (run host) at once, outside the worker pool.</summary>
    public void StartDirect(RequestRecord record, DeferredActions deferred)
    {
        Add(record);
        Start(record, deferred);
    }

    /// <summary>Cancels a queue request; returns the status code and the <c>status</c> of the answer.</summary>
    public (int StatusCode, string Status) Cancel(RequestRecord record, DeferredActions deferred)
    {
        switch (record.State)
        {
            case FalSimulatedRequestState.Queued:
                record.CancelRequested = true;
                Finish(record, RequestOutcomes.Cancelled(), deferred, cancelled: true);
                return (200, "OK");
            case FalSimulatedRequestState.Running:
                record.CancelRequested = true;
                if (!record.Script.IgnoresCancellation)
                {
                    Finish(record, RequestOutcomes.Cancelled(), deferred, cancelled: true);
                }

                return (202, "CANCELLATION_REQUESTED");
            default:
                return (400, "ALREADY_COMPLETED");
        }
    }

    /// <summary>A direct call's client went away (cancelled token, disposed stream): the run stops.</summary>
    public void Abandon(RequestRecord record, DeferredActions deferred)
    {
        if (!record.IsFinished)
        {
            record.CancelRequested = true;
            Finish(record, RequestOutcomes.Cancelled(), deferred, cancelled: true);
        }
    }

    private void Add(RequestRecord record)
    {
        _requests.Add(record);
        _byId.Add(record.Id, record);
    }

    private void DispatchWorkers(DeferredActions deferred)
    {
        while (_running < workers)
        {
            var next = _waiting.Find(r => r.QueueTimeElapsed);
            if (next is null)
            {
                return;
            }

            _waiting.Remove(next);
            _running++;
            Start(next, deferred);
        }
    }

    private void Start(RequestRecord record, DeferredActions deferred)
    {
        record.State = FalSimulatedRequestState.Running;
        record.StartedAt = scheduler.Now;
        record.StartTimeoutTimer?.Dispose();
        record.StartTimeoutTimer = null;

        _playback.EmitDueLogs(record);
        _playback.SendDueEvents(record, deferred);
        if (record.Script.RunTime == TimeSpan.Zero)
        {
            // An instant script (typically a validation error) finishes with its start, not one tick later.
            Finish(record, RequestOutcomes.FromScript(record.Script), deferred);
        }
        else
        {
            record.RunTimer = after(record.Script.RunTime, d => Finish(record, RequestOutcomes.FromScript(record.Script), d));
        }
    }

    private void OnStartTimeout(RequestRecord record, DeferredActions deferred)
    {
        if (record.State == FalSimulatedRequestState.Queued)
        {
            Finish(record, RequestOutcomes.StartTimedOut(), deferred);
        }
    }

    private void Finish(RequestRecord record, RequestOutcome outcome, DeferredActions deferred, bool cancelled = false)
    {
        if (record.IsFinished)
        {
            return;
        }

        var wasRunning = record.State == FalSimulatedRequestState.Running;
        if (wasRunning && !cancelled)
        {
            _playback.EmitRemainingLogs(record);
        }

        record.State = cancelled ? FalSimulatedRequestState.Cancelled
            : outcome.IsSuccess ? FalSimulatedRequestState.Completed
            : FalSimulatedRequestState.Failed;
        record.CompletedAt = scheduler.Now;
        record.Outcome = outcome;
        record.DisposeTimers();
        _waiting.Remove(record);

        if (record.OutputStream is { } stream)
        {
            if (outcome.IsSuccess)
            {
                deferred.Add(stream.Append(Sse.Event(outcome.Body)));
            }

            deferred.Add(stream.Complete());
        }

        record.OnFinished?.Invoke(deferred);
        record.OnFinished = null;
        webhooks.Send(record, scheduler.Now, deferred);

        if (wasRunning && record.Kind == FalSimulatedRequestKind.Queue)
        {
            _running--;
            DispatchWorkers(deferred);
        }
    }
}
