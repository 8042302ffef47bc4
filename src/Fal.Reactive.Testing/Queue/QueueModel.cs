using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>
/// The queue model: every request received, the queue in priority order, the worker pool, and each request's life
/// (enqueue, dispatch, run, finish, cancel, start timeout). Not thread-safe: the facade calls it under its lock.
/// </summary>
internal sealed class QueueModel(IScheduler scheduler, int workers, ScheduleChange after, WebhookOutbox webhooks, StatusChanges changes, Func<string>? idGenerator)
{
    // Arrival order, with O(1) removal when retention drops a finished request from the middle.
    private readonly LinkedList<RequestRecord> _requests = new();
    private readonly Dictionary<string, RequestRecord> _byId = new(StringComparer.Ordinal);
    private readonly List<RequestRecord> _waiting = [];

    // Finished requests in completion order: retention drops from the front.
    private readonly Queue<RequestRecord> _finished = new();
    private readonly ScriptPlayback _playback = new(scheduler, after, changes);
    private int _running;

    /// <summary>Gets every request held (the unfinished ones and the finished ones retention keeps), in arrival order.</summary>
    public IEnumerable<RequestRecord> Requests => _requests;

    /// <summary>Gets the queued requests in queue order: the index is the queue position.</summary>
    public IReadOnlyList<RequestRecord> Waiting => _waiting;

    /// <summary>Returns a new request id: a random UUID as fal's, or the configured generator's (checked: new and URL-safe).</summary>
    public string NewRequestId()
    {
        if (idGenerator is null)
        {
            return Guid.NewGuid().ToString("D");
        }

        var id = idGenerator();
        if (string.IsNullOrEmpty(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new InvalidOperationException("FalSimulatorOptions.RequestIdGenerator returned an empty id or one with characters other than letters, digits and '-'.");
        }

        if (_byId.ContainsKey(id))
        {
            throw new InvalidOperationException($"FalSimulatorOptions.RequestIdGenerator returned '{id}' twice.");
        }

        return id;
    }

    /// <summary>
    /// Drops the oldest finished requests beyond <paramref name="max"/> and those finished before
    /// <paramref name="cutoff"/>; they answer 404 from then on. Unfinished requests are never dropped.
    /// </summary>
    public void DropFinished(int max, DateTimeOffset cutoff)
    {
        while (_finished.TryPeek(out var oldest) && (_finished.Count > max || oldest.CompletedAt < cutoff))
        {
            _finished.Dequeue();
            _byId.Remove(oldest.Id);
            if (oldest.Node is { List: not null } node)
            {
                _requests.Remove(node);
            }

            oldest.Node = null;
        }
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
        changes.Changed(record);
        changes.Moved();

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
        record.Node = _requests.AddLast(record);
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
            changes.Moved();
            _running++;
            Start(next, deferred);
        }
    }

    private void Start(RequestRecord record, DeferredActions deferred)
    {
        record.State = FalSimulatedRequestState.Running;
        record.StartedAt = scheduler.Now;
        changes.Changed(record);
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
        changes.Changed(record);
        record.DisposeTimers();
        if (_waiting.Remove(record))
        {
            changes.Moved();
        }

        _finished.Enqueue(record);

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
