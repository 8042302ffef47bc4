using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>Status bodies, as answered to a poll and sent on a status stream.</summary>
internal static class StatusAnswers
{
    public static Uri ResponseUrl(Uri queueUrl, RequestRecord r) => new(queueUrl, $"{r.OwnerAlias}/requests/{r.Id}");

    /// <summary>202 while queued or running, 200 once completed (fal's documented codes).</summary>
    public static SimulatorHttpResponse Polled(Uri queueUrl, RequestRecord r, int? position, bool withLogs) =>
        SimulatorHttpResponse.Json(r.IsFinished ? 200 : 202, Body(queueUrl, r, position, withLogs, logsFrom: 0))
            .WithHeader(QueueAnswers.RequestIdHeader, r.Id);

    /// <summary>A status body; logs are the ones from <paramref name="logsFrom"/> on (cumulative when 0).</summary>
    public static byte[] Body(Uri queueUrl, RequestRecord r, int? position, bool withLogs, int logsFrom) =>
        SimulatorJson.WriteObject(w => Write(w, queueUrl, r, position, withLogs, logsFrom));

    private static void Write(Utf8JsonWriter w, Uri queueUrl, RequestRecord r, int? position, bool withLogs, int logsFrom)
    {
        var responseUrl = ResponseUrl(queueUrl, r).AbsoluteUri;
        w.WriteString("status", StatusName(r));
        w.WriteString("request_id", r.Id);
        w.WriteString("response_url", responseUrl);
        w.WriteString("status_url", responseUrl + "/status");
        w.WriteString("cancel_url", responseUrl + "/cancel");
        if (position is { } queuePosition)
        {
            w.WriteNumber("queue_position", queuePosition);
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

        if (r.IsFinished)
        {
            WriteEnd(w, r);
        }
    }

    private static string StatusName(RequestRecord r) => r.State switch
    {
        FalSimulatedRequestState.Queued => "IN_QUEUE",
        FalSimulatedRequestState.Running => "IN_PROGRESS",
        _ => "COMPLETED",
    };

    /// <summary>COMPLETED's metrics and, for a failed request, its error.</summary>
    private static void WriteEnd(Utf8JsonWriter w, RequestRecord r)
    {
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
}
