using System.Globalization;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>What a submit answer says.</summary>
internal sealed record FalSubmitAnswer(string RequestId, int? QueuePosition, Uri? StatusUrl, Uri? ResponseUrl, Uri? CancelUrl);

/// <summary>Parses fal's queue answers. Anything the protocol does not allow is a <see cref="FalProtocolException"/>.</summary>
internal static class FalWire
{
    /// <summary>
    /// The deepest nesting read in a result (and a status answer): 256 levels, four times System.Text.Json's default of 64,
    /// which valid outputs (a scene graph, a parse tree) can pass; the bound stays, as each level costs stack in the reader.
    /// </summary>
    public const int MaxDepth = 256;

    /// <summary>The reading of fal's JSON: <see cref="MaxDepth"/> levels.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static FalSubmitAnswer ParseSubmit(byte[] body)
    {
        using var doc = ParseObject(body, "submit", requestId: null);
        var root = doc.RootElement;
        var requestId = GetString(root, "request_id")
            ?? throw new FalProtocolException("The submit answer has no request_id.");
        // The id goes into every later URL: one that could leave …/requests/{id} is refused before any keyed call.
        if (!FalOptionsValidation.IsSafeRequestId(requestId))
        {
            throw new FalProtocolException("The submit answer's request_id is not a valid request id (empty, '.', '..', longer than 256 characters, or with '/', '\\', '?', '#', '%', white space, control or non-ASCII characters).");
        }

        return new FalSubmitAnswer(
            requestId,
            GetPosition(root, requestId, required: false),
            GetUri(root, "status_url"),
            GetUri(root, "response_url"),
            GetUri(root, "cancel_url"));
    }

    /// <summary>
    /// Checks that an answer is about <paramref name="requestId"/>: fal marks its answers with
    /// <c>x-fal-request-id</c>, and one naming another request was not meant for this one.
    /// </summary>
    public static void EnsureSameRequest(HttpResponseMessage response, string requestId, string what)
    {
        if (FalErrors.RequestIdOf(response) is { } id && !string.Equals(id, requestId, StringComparison.Ordinal))
        {
            throw Protocol(requestId, $"the {what} answer is about another request ({Quote(id)})");
        }
    }

    /// <summary>Parses a status answer. Logs are null unless requested, and a list when requested.</summary>
    public static FalStatus ParseStatus(byte[] body, string requestId, bool withLogs)
    {
        // Most polls answer IN_QUEUE or IN_PROGRESS: read in place; everything else in full below.
        if (StatusAnswerReader.TryRead(body, requestId, withLogs, out var common))
        {
            return common!;
        }

        return ParseStatusInFull(body, requestId, withLogs);
    }

    /// <summary>The full reading of a status answer: every shape the protocol allows, and an error naming what is wrong with any other.</summary>
    internal static FalStatus ParseStatusInFull(byte[] body, string requestId, bool withLogs)
    {
        using var doc = ParseObject(body, "status", requestId);
        var root = doc.RootElement;
        var status = GetString(root, "status")
            ?? throw Protocol(requestId, "the status answer has no 'status' field");
        var id = GetString(root, "request_id") ?? requestId;
        if (!string.Equals(id, requestId, StringComparison.Ordinal))
        {
            throw Protocol(requestId, $"the status answer is about another request ({Quote(id)})");
        }

        switch (status)
        {
            case "IN_QUEUE":
                return new Queued(id, GetPosition(root, requestId, required: true)!.Value);
            case "IN_PROGRESS":
                return new InProgress(id, GetLogs(root, requestId, withLogs));
            case "COMPLETED":
                return new Completed(
                    id,
                    GetLogs(root, requestId, withLogs),
                    GetMetrics(root, requestId),
                    GetString(root, "error"),
                    GetString(root, "error_type"),
                    Result: null);
            default:
                throw Protocol(requestId, $"unknown status {Quote(status)} (expected IN_QUEUE, IN_PROGRESS or COMPLETED)");
        }
    }

    /// <summary>Parses a result body: JSON (cloned out of the document), or null for an empty body.</summary>
    public static JsonElement? ParseResult(byte[] body, string requestId)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body, DocumentOptions);
            return doc.RootElement.Clone();
        }
        catch (JsonException e) when (IsDeeperThanBound(body))
        {
            // Valid JSON, too deep to read here: the request is done on fal, so its id is what the caller needs.
            throw new FalProtocolException(
                $"Request {requestId}: the result is valid JSON deeper than {MaxDepth} levels, the most the client reads; the request completed on fal and its result is still there (fetch it by its id with a reader of your own).",
                e)
            {
                RequestId = requestId,
            };
        }
        catch (JsonException e)
        {
            throw new FalProtocolException($"Request {requestId}: the result is not JSON: {e.Message}", e) { RequestId = requestId };
        }
    }

    /// <summary>Whether <paramref name="body"/> is well-formed JSON nested deeper than <see cref="MaxDepth"/> (read again only on the error path).</summary>
    private static bool IsDeeperThanBound(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = int.MaxValue });
        var deepest = 0;
        try
        {
            while (reader.Read())
            {
                deepest = Math.Max(deepest, reader.CurrentDepth);
            }
        }
        catch (JsonException)
        {
            return false;
        }

        // A container's contents sit one level below it: depth MaxDepth holds the contents of the MaxDepth-th level.
        return deepest >= MaxDepth;
    }

    /// <summary>Parses the answer of <c>storage/upload/initiate</c>: where to PUT, and where the file will be.</summary>
    public static (Uri UploadUrl, Uri FileUrl) ParseUploadInitiate(byte[] body)
    {
        using var doc = ParseObject(body, "upload initiate", requestId: null);
        var upload = GetUri(doc.RootElement, "upload_url") ?? throw new FalProtocolException("The upload answer has no upload_url.");
        var file = GetUri(doc.RootElement, "file_url") ?? throw new FalProtocolException("The upload answer has no file_url.");
        return (upload, file);
    }

    private static JsonDocument ParseObject(byte[] body, string what, string? requestId)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            var prefix = requestId is null ? string.Empty : $"Request {requestId}: ";
            throw new FalProtocolException($"{prefix}the {what} answer is not JSON: {e.Message}", e) { RequestId = requestId };
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            var prefix = requestId is null ? string.Empty : $"Request {requestId}: ";
            throw new FalProtocolException($"{prefix}the {what} answer is not a JSON object.") { RequestId = requestId };
        }

        return doc;
    }

    private static int? GetPosition(JsonElement root, string requestId, bool required)
    {
        if (!root.TryGetProperty("queue_position", out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return required ? throw Protocol(requestId, "an IN_QUEUE answer has no queue_position") : null;
        }

        if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var position) || position < 0)
        {
            throw Protocol(requestId, $"queue_position must be a non-negative integer, not {p.GetRawText()}");
        }

        return position;
    }

    private static List<FalLog>? GetLogs(JsonElement root, string requestId, bool withLogs)
    {
        if (!withLogs)
        {
            return null;
        }

        if (!root.TryGetProperty("logs", out var logs) || logs.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (logs.ValueKind != JsonValueKind.Array)
        {
            throw Protocol(requestId, "'logs' must be an array");
        }

        var list = new List<FalLog>(logs.GetArrayLength());
        foreach (var entry in logs.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Protocol(requestId, "a log entry must be an object");
            }

            // Current fal puts level/source at the top; older answers nest them under "labels".
            entry.TryGetProperty("labels", out var labels);
            var level = GetString(entry, "level") ?? (labels.ValueKind == JsonValueKind.Object ? GetString(labels, "level") : null);
            var source = GetString(entry, "source") ?? (labels.ValueKind == JsonValueKind.Object ? GetString(labels, "source") : null);
            DateTimeOffset? timestamp = DateTimeOffset.TryParse(
                GetString(entry, "timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            list.Add(new FalLog(GetString(entry, "message") ?? string.Empty, level, source, timestamp));
        }

        return list;
    }

    private static FalMetrics GetMetrics(JsonElement root, string requestId)
    {
        if (!root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind == JsonValueKind.Null)
        {
            return FalMetrics.Empty;
        }

        if (metrics.ValueKind != JsonValueKind.Object)
        {
            throw Protocol(requestId, "'metrics' must be an object");
        }

        // Kept whole (fal_client keeps the dict): fal and apps report more than inference_time.
        var time = metrics.TryGetProperty("inference_time", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : (double?)null;
        return new FalMetrics(time) { Values = metrics.Clone() };
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Uri? GetUri(JsonElement obj, string name) =>
        Uri.TryCreate(GetString(obj, name), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Text from an answer, quoted short and printable, for a message.</summary>
    private static string Quote(string text) =>
        "'" + string.Concat(text.Take(80).Select(c => char.IsControl(c) ? '?' : c)) + (text.Length > 80 ? "…'" : "'");

    private static FalProtocolException Protocol(string requestId, string what) =>
        new($"Request {requestId}: {what}.") { RequestId = requestId };
}
