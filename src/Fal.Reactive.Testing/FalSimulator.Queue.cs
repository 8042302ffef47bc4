using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing;

// The queue model: enqueue, dispatch to workers, run (logs, stream events), finish, cancel, start timeout.
// Every method here runs under _gate.
public sealed partial class FalSimulator
{
    private const string CancelledDetail = "Request cancelled by the client.";
    private const string TimeoutDetail = "Request timed out";
    private const string TimeoutErrorType = "request_timeout";

    private RequestRecord Enqueue(RequestRecord record, DeferredActions deferred)
    {
        AddRecord(record);
        record.State = FalSimulatedRequestState.Queued;

        // Normal priority goes ahead of low; within a class, arrival order.
        var index = _queue.FindIndex(q => q.LowPriority && !record.LowPriority);
        _queue.Insert(index < 0 ? _queue.Count : index, record);

        if (record.StartTimeout is { } timeout)
        {
            record.StartTimeoutTimer = After(timeout, d => OnStartTimeout(record, d));
        }

        if (record.Script.QueueTime > TimeSpan.Zero)
        {
            record.QueueTimer = After(record.Script.QueueTime, d =>
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
        return record;
    }

    private void AddRecord(RequestRecord record)
    {
        _requests.Add(record);
        _requestsById.Add(record.Id, record);
    }

    private void DispatchWorkers(DeferredActions deferred)
    {
        while (_running < _workers)
        {
            var next = _queue.Find(r => r.QueueTimeElapsed);
            if (next is null)
            {
                return;
            }

            _queue.Remove(next);
            _running++;
            Start(next, deferred);
        }
    }

    private void Start(RequestRecord record, DeferredActions deferred)
    {
        record.State = FalSimulatedRequestState.Running;
        record.StartedAt = _scheduler.Now;
        record.StartTimeoutTimer?.Dispose();
        record.StartTimeoutTimer = null;

        EmitDueLogs(record);
        SendDueEvents(record, deferred);
        if (record.Script.RunTime == TimeSpan.Zero)
        {
            // An instant script (typically a validation error) finishes with its start, not one tick later.
            Finish(record, ScriptOutcome(record), deferred);
        }
        else
        {
            record.RunTimer = After(record.Script.RunTime, d => Finish(record, ScriptOutcome(record), d));
        }
    }

    private TimeSpan Elapsed(RequestRecord record) => _scheduler.Now - record.StartedAt!.Value;

    /// <summary>Emits the script logs that are due and schedules the next one.</summary>
    private void EmitDueLogs(RequestRecord record)
    {
        var logs = record.Script.Logs;
        var elapsed = Elapsed(record);
        while (record.NextLog < logs.Count && logs[record.NextLog].Offset <= elapsed)
        {
            EmitLog(record, logs[record.NextLog++]);
        }

        if (record.NextLog < logs.Count && logs[record.NextLog].Offset < record.Script.RunTime)
        {
            record.LogTimer = After(logs[record.NextLog].Offset - elapsed, _ => EmitDueLogs(record));
        }
    }

    private void EmitLog(RequestRecord record, ScriptLog log) =>
        record.Logs.Add(new EmittedLog(log.Message, log.Level, _scheduler.Now));

    /// <summary>Sends the stream events that are due on a direct <c>/stream</c> call and schedules the next one.</summary>
    private void SendDueEvents(RequestRecord record, DeferredActions deferred)
    {
        if (record.OutputStream is not { } stream)
        {
            return;
        }

        var events = record.Script.StreamEvents;
        var elapsed = Elapsed(record);
        while (record.NextEvent < events.Count && events[record.NextEvent].Offset <= elapsed)
        {
            deferred.Add(stream.Append(SseEvent(events[record.NextEvent++].Data)));
        }

        if (record.NextEvent < events.Count && events[record.NextEvent].Offset < record.Script.RunTime)
        {
            record.EventTimer = After(events[record.NextEvent].Offset - elapsed, d => SendDueEvents(record, d));
        }
    }

    private static RequestOutcome ScriptOutcome(RequestRecord record)
    {
        var script = record.Script;
        return new RequestOutcome(script.StatusCode, SimulatorJson.ToBytes(script.Body), [.. script.Headers], script.Error, script.ErrorType);
    }

    private static RequestOutcome CancelledOutcome() =>
        new(499, SimulatorJson.Detail(CancelledDetail), [], CancelledDetail, null);

    private static RequestOutcome TimeoutOutcome() => new(
        504,
        SimulatorJson.WriteObject(w =>
        {
            w.WriteString("detail", TimeoutDetail);
            w.WriteString("error_type", TimeoutErrorType);
        }),
        [new("X-Fal-Request-Timeout-Type", "user"), new("X-Fal-Error-Type", TimeoutErrorType)],
        TimeoutDetail,
        TimeoutErrorType);

    private void Finish(RequestRecord record, RequestOutcome outcome, DeferredActions deferred, bool cancelled = false)
    {
        if (record.IsFinished)
        {
            return;
        }

        var wasRunning = record.State == FalSimulatedRequestState.Running;
        if (wasRunning && !cancelled)
        {
            // Logs due at or after the run end appear with the completion.
            while (record.NextLog < record.Script.Logs.Count)
            {
                EmitLog(record, record.Script.Logs[record.NextLog++]);
            }
        }

        record.State = cancelled ? FalSimulatedRequestState.Cancelled
            : outcome.IsSuccess ? FalSimulatedRequestState.Completed
            : FalSimulatedRequestState.Failed;
        record.CompletedAt = _scheduler.Now;
        record.Outcome = outcome;
        record.DisposeTimers();
        _queue.Remove(record);

        if (record.OutputStream is { } stream)
        {
            if (outcome.IsSuccess)
            {
                deferred.Add(stream.Append(SseEvent(outcome.Body)));
            }

            deferred.Add(stream.Complete());
        }

        record.OnFinished?.Invoke(deferred);
        record.OnFinished = null;
        SendWebhook(record, deferred);

        if (wasRunning && record.Kind == FalSimulatedRequestKind.Queue)
        {
            _running--;
            DispatchWorkers(deferred);
        }
    }

    private void OnStartTimeout(RequestRecord record, DeferredActions deferred)
    {
        if (record.State == FalSimulatedRequestState.Queued)
        {
            Finish(record, TimeoutOutcome(), deferred);
        }
    }

    /// <summary>Cancels a queue request; returns the status code and the <c>status</c> of the answer.</summary>
    private (int StatusCode, string Status) Cancel(RequestRecord record, DeferredActions deferred)
    {
        switch (record.State)
        {
            case FalSimulatedRequestState.Queued:
                record.CancelRequested = true;
                Finish(record, CancelledOutcome(), deferred, cancelled: true);
                return (200, "OK");
            case FalSimulatedRequestState.Running:
                record.CancelRequested = true;
                if (!record.Script.IgnoresCancellation)
                {
                    Finish(record, CancelledOutcome(), deferred, cancelled: true);
                }

                return (202, "CANCELLATION_REQUESTED");
            default:
                return (400, "ALREADY_COMPLETED");
        }
    }

    /// <summary>A direct call's client went away (cancelled token, disposed stream): the run stops.</summary>
    private void Abandon(RequestRecord record, DeferredActions deferred)
    {
        if (!record.IsFinished)
        {
            record.CancelRequested = true;
            Finish(record, CancelledOutcome(), deferred, cancelled: true);
        }
    }

    private void SendWebhook(RequestRecord record, DeferredActions deferred)
    {
        if (record.WebhookUrl is not { } url || record.Outcome is not { } outcome)
        {
            return;
        }

        var body = SimulatorJson.Object(w =>
        {
            w.WriteString("request_id", record.Id);
            w.WriteString("gateway_request_id", record.Id);
            w.WriteString("status", outcome.IsSuccess ? "OK" : "ERROR");
            w.WritePropertyName("payload");
            WriteJsonOrNull(w, outcome.Body);
            if (outcome.IsSuccess)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteString("error", "Invalid status code: " + outcome.StatusCode.ToString(CultureInfo.InvariantCulture));
            }
        });
        _webhooks.Add(new FalWebhookDelivery(_scheduler.Now, url, record.Id, body));
        if (_webhookClient is { } client)
        {
            deferred.Add(() => _ = PostWebhookAsync(client, url, body));
        }
    }

    private static async Task PostWebhookAsync(HttpClient client, Uri url, JsonElement body)
    {
        try
        {
            using var content = new ByteArrayContent(SimulatorJson.ToBytes(body));
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Like fal after its retries: an unreachable webhook is the receiver's problem, not the request's.
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void WriteJsonOrNull(Utf8JsonWriter writer, ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteNullValue();
        }
    }
}
