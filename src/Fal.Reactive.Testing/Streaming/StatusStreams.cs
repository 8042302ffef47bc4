using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>
/// The open <c>/status/stream</c> calls: each gets the current status at once, then one event per change, and is
/// closed after COMPLETED. Not thread-safe: the facade calls it under its lock (keep-alives excepted, see below).
/// </summary>
/// <remarks>
/// Each request holds its own listeners, and <see cref="StatusChanges"/> says which requests changed, so a change
/// of the model looks only at the streams it concerns (all queued ones when the queue moved), not at every open one.
/// </remarks>
internal sealed class StatusStreams(IScheduler scheduler, TimeSpan keepAliveInterval, Uri queueUrl, QueueModel queue, StatusChanges changes)
{
    private int _open;

    /// <summary>Opens a status stream; the caller wires its closing to <see cref="Close"/> under the lock.</summary>
    public StatusListener Open(RequestRecord record, bool withLogs)
    {
        var stream = new SimulatorEventStream();
        var listener = new StatusListener(record, withLogs, stream);
        (record.StatusListeners ??= []).Add(listener);
        _open++;

        // The current status goes out with this change of the model.
        changes.Changed(record);
        listener.KeepAlive = scheduler.Schedule(keepAliveInterval, (Action<TimeSpan> again) =>
        {
            // Runs on the scheduler, not under the lock: the wake-up may run straight away.
            if (stream.Append(Sse.KeepAlive) is { } wake)
            {
                InlineContinuations.Run(wake);
            }

            again(keepAliveInterval);
        });
        return listener;
    }

    public void Close(StatusListener listener)
    {
        listener.KeepAlive?.Dispose();
        var record = listener.Request;
        if (record.StatusListeners is { } listeners && listeners.Remove(listener))
        {
            _open--;
            if (listeners.Count == 0)
            {
                record.StatusListeners = null;
            }
        }
    }

    /// <summary>Sends an event to every status stream whose request changed (state, position or logs) since the last call.</summary>
    public void PublishChanges(DeferredActions deferred)
    {
        if (changes.QueueMoved && _open > 0)
        {
            // Positions are the queue's indexes: one pass, not a search per stream.
            var waiting = queue.Waiting;
            for (var position = 0; position < waiting.Count; position++)
            {
                if (waiting[position].StatusListeners is not null)
                {
                    Publish(waiting[position], position, deferred);
                }
            }
        }

        foreach (var record in changes.Requests)
        {
            // Queued ones were published above when the queue moved; the check below keeps them to one event anyway.
            Publish(record, queue.PositionOf(record), deferred);
        }

        changes.Clear();
    }

    private void Publish(RequestRecord r, int? position, DeferredActions deferred)
    {
        if (r.StatusListeners is not { } listeners)
        {
            return;
        }

        // Backwards: a finished request's listeners are closed (removed) as they are served.
        for (var i = listeners.Count - 1; i >= 0 && i < listeners.Count; i--)
        {
            var listener = listeners[i];
            var logCount = listener.WithLogs ? r.Logs.Count : 0;
            var state = (r.State, position ?? -1, logCount);
            if (state == listener.LastSent)
            {
                continue;
            }

            // Each event carries only the logs not sent before; clients accumulate them.
            var body = StatusAnswers.Body(queueUrl, r, position, listener.WithLogs, listener.SentLogs);
            listener.LastSent = state;
            listener.SentLogs = logCount;
            deferred.Add(listener.Stream.Append(Sse.Event(body)));
            if (r.IsFinished)
            {
                deferred.Add(listener.Stream.Complete());
                Close(listener);
            }
        }
    }
}
