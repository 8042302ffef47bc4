using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing;

// Status bodies (polling and server-sent events) and the open /status/stream listeners.
public sealed partial class FalSimulator
{
    private static readonly byte[] s_keepAlive = Encoding.UTF8.GetBytes(": keepalive\n\n");

    private Uri ResponseUrl(RequestRecord r) => new(_queueUrl, $"{r.OwnerAlias}/requests/{r.Id}");

    private static string StatusName(RequestRecord r) => r.State switch
    {
        FalSimulatedRequestState.Queued => "IN_QUEUE",
        FalSimulatedRequestState.Running => "IN_PROGRESS",
        _ => "COMPLETED",
    };

    /// <summary>202 while queued or running, 200 once completed (fal's documented codes).</summary>
    private static int StatusCodeOf(RequestRecord r) => r.IsFinished ? 200 : 202;

    /// <summary>Writes a status body; logs are the ones from <paramref name="logsFrom"/> on (cumulative when 0).</summary>
    private void WriteStatus(Utf8JsonWriter w, RequestRecord r, bool withLogs, int logsFrom)
    {
        var responseUrl = ResponseUrl(r).AbsoluteUri;
        w.WriteString("status", StatusName(r));
        w.WriteString("request_id", r.Id);
        w.WriteString("response_url", responseUrl);
        w.WriteString("status_url", responseUrl + "/status");
        w.WriteString("cancel_url", responseUrl + "/cancel");
        if (r.State == FalSimulatedRequestState.Queued)
        {
            w.WriteNumber("queue_position", _queue.IndexOf(r));
            return;
        }

        // IN_PROGRESS and COMPLETED always carry "logs": clients index it without checking.
        w.WritePropertyName("logs");
        if (withLogs)
        {
            w.WriteStartArray();
            foreach (var log in r.Logs.Skip(logsFrom))
            {
                WriteLog(w, log);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNullValue();
        }

        if (!r.IsFinished)
        {
            return;
        }

        w.WriteStartObject("metrics");
        if (r.StartedAt is { } started && r.CompletedAt is { } completed)
        {
            w.WriteNumber("inference_time", Math.Round((completed - started).TotalSeconds, 6));
        }
        else
        {
            w.WriteNull("inference_time");
        }

        w.WriteEndObject();
        if (r.Outcome is { IsSuccess: false } outcome)
        {
            w.WriteString("error", outcome.Error);
            if (outcome.ErrorType is not null)
            {
                w.WriteString("error_type", outcome.ErrorType);
            }
        }
    }

    private static void WriteLog(Utf8JsonWriter w, EmittedLog log)
    {
        // The current shape (message, level, source, timestamp) plus the older clients' "labels".
        w.WriteStartObject();
        w.WriteString("message", log.Message);
        w.WriteString("level", log.Level);
        w.WriteString("source", "USER");
        w.WriteString("timestamp", SimulatorJson.Timestamp(log.Timestamp));
        w.WriteStartObject("labels");
        w.WriteString("level", log.Level);
        w.WriteString("source", "USER");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private byte[] StatusBody(RequestRecord r, bool withLogs, int logsFrom = 0) =>
        SimulatorJson.WriteObject(w => WriteStatus(w, r, withLogs, logsFrom));

    private static byte[] SseEvent(ReadOnlyMemory<byte> json)
    {
        var prefix = "data: "u8;
        var bytes = new byte[prefix.Length + json.Length + 2];
        prefix.CopyTo(bytes);
        json.Span.CopyTo(bytes.AsSpan(prefix.Length));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static byte[] SseEvent(JsonElement json) => SseEvent(SimulatorJson.ToBytes(json));

    /// <summary>Opens a status stream: the current status at once, then one event per change, closed after COMPLETED.</summary>
    private SimulatorEventStream OpenStatusStream(RequestRecord record, bool withLogs)
    {
        var stream = new SimulatorEventStream();
        var listener = new StatusListener(record, withLogs, stream);
        _listeners.Add(listener);
        listener.KeepAlive = _scheduler.Schedule(_keepAliveInterval, (Action<TimeSpan> again) =>
        {
            // Runs on the scheduler, not under the lock: the wake-up may run straight away.
            if (stream.Append(s_keepAlive) is { } wake)
            {
                Inline.Run(wake);
            }

            again(_keepAliveInterval);
        });
        stream.OnClosed(() => Mutate(_ => CloseListener(listener)));
        return stream;
    }

    private void CloseListener(StatusListener listener)
    {
        listener.KeepAlive?.Dispose();
        _listeners.Remove(listener);
    }

    /// <summary>Sends an event to every status stream whose request changed (state, position or logs).</summary>
    private void PublishStatusChanges(DeferredActions deferred)
    {
        for (var i = _listeners.Count - 1; i >= 0; i--)
        {
            var listener = _listeners[i];
            var r = listener.Request;
            var position = r.State == FalSimulatedRequestState.Queued ? _queue.IndexOf(r) : -1;
            var logCount = listener.WithLogs ? r.Logs.Count : 0;
            var state = string.Create(CultureInfo.InvariantCulture, $"{r.State}/{position}/{logCount}");
            if (state == listener.LastSent)
            {
                continue;
            }

            // Each event carries only the logs not sent before; clients accumulate them.
            var body = StatusBody(r, listener.WithLogs, listener.SentLogs);
            listener.LastSent = state;
            listener.SentLogs = logCount;
            deferred.Add(listener.Stream.Append(SseEvent(body)));
            if (r.IsFinished)
            {
                deferred.Add(listener.Stream.Complete());
                CloseListener(listener);
            }
        }
    }
}
