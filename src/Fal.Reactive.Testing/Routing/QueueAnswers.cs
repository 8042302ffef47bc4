
namespace Fal.Reactive.Testing;

/// <summary>The answers of the queue endpoints that are not status bodies: submit, result, cancel, not found.</summary>
internal static class QueueAnswers
{
    public const string RequestIdHeader = "x-fal-request-id";

    public static SimulatorHttpResponse Submitted(Uri queueUrl, RequestRecord record, int position)
    {
        var responseUrl = StatusAnswers.ResponseUrl(queueUrl, record).AbsoluteUri;
        var body = SimulatorJson.WriteObject(w =>
        {
            w.WriteString("status", "IN_QUEUE");
            w.WriteString("request_id", record.Id);
            w.WriteString("response_url", responseUrl);
            w.WriteString("status_url", responseUrl + "/status");
            w.WriteString("cancel_url", responseUrl + "/cancel");
            w.WriteNumber("queue_position", position);
            if (record.WebhookUrl is not null)
            {
                w.WriteString("gateway_request_id", record.Id);
            }
        });
        return SimulatorHttpResponse.Json(200, body).WithHeader(RequestIdHeader, record.Id);
    }

    /// <summary>The app's status, headers and body once finished; 400 before.</summary>
    public static SimulatorHttpResponse Result(RequestRecord record)
    {
        if (record.Outcome is not { } outcome)
        {
            return SimulatorHttpResponse.Detail(400, "Request is still in progress").WithHeader(RequestIdHeader, record.Id);
        }

        var response = SimulatorHttpResponse.Json(outcome.StatusCode, outcome.Body).WithHeader(RequestIdHeader, record.Id);
        foreach (var header in outcome.Headers)
        {
            response.WithHeader(header.Key, header.Value);
        }

        return response;
    }

    public static SimulatorHttpResponse Cancel(RequestRecord record, int statusCode, string status) =>
        SimulatorHttpResponse.Json(statusCode, SimulatorJson.WriteObject(w => w.WriteString("status", status)))
            .WithHeader(RequestIdHeader, record.Id);

    /// <summary>404 for an unknown request; the cancel endpoint also says <c>NOT_FOUND</c> in <c>status</c>.</summary>
    public static SimulatorHttpResponse RequestNotFound(string id, FalCallKind kind) => kind == FalCallKind.Cancel
        ? SimulatorHttpResponse.Json(404, SimulatorJson.WriteObject(w =>
        {
            w.WriteString("status", "NOT_FOUND");
            w.WriteString("detail", $"Request {id} not found");
        }))
        : SimulatorHttpResponse.Detail(404, $"Request {id} not found");

    public static SimulatorHttpResponse AppNotFound(string[] segments) =>
        SimulatorHttpResponse.Detail(404, $"Application '{AppPath.OwnerAlias(segments)}' not found");
}
