using System.Globalization;
using System.Reactive.Concurrency;
using Fal.Reactive.Shared;
using Fal.Reactive.Testing.Internal;
using Fal.Reactive.Testing.Queue;
using Fal.Reactive.Testing.Routing;

namespace Fal.Reactive.Testing.Streaming;

/// <summary>
/// The open <c>/status/stream</c> calls: each gets the current status at once, then one event per change, and is
/// closed after COMPLETED. Not thread-safe: the facade calls it under its lock (keep-alives excepted, see below).
/// </summary>
internal sealed class StatusStreams(IScheduler scheduler, TimeSpan keepAliveInterval, Uri queueUrl, QueueModel queue)
{
    private readonly List<StatusListener> _listeners = [];

    /// <summary>Opens a status stream; the caller wires its closing to <see cref="Close"/> under the lock.</summary>
    public StatusListener Open(RequestRecord record, bool withLogs)
    {
        var stream = new SimulatorEventStream();
        var listener = new StatusListener(record, withLogs, stream);
        _listeners.Add(listener);
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
        _listeners.Remove(listener);
    }

    /// <summary>Sends an event to every status stream whose request changed (state, position or logs).</summary>
    public void PublishChanges(DeferredActions deferred)
    {
        for (var i = _listeners.Count - 1; i >= 0; i--)
        {
            var listener = _listeners[i];
            var r = listener.Request;
            var position = queue.PositionOf(r);
            var logCount = listener.WithLogs ? r.Logs.Count : 0;
            var state = string.Create(CultureInfo.InvariantCulture, $"{r.State}/{position ?? -1}/{logCount}");
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
