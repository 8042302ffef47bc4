using System.Globalization;
using System.Text.Json;
using System.Web;

namespace Fal.Reactive.Testing;

/// <summary>
/// fal's platform API <c>GET v1/models/requests/by-endpoint</c> over the simulator's requests: the same query (<c>endpoint_id</c>
/// repeated or comma-separated, <c>start</c>/<c>end</c>, <c>status</c>, <c>request_id</c>, <c>limit</c>, <c>cursor</c>,
/// <c>expand=payloads</c>) and fields. Unlike fal's (where it is unconfirmed), requests still queued or running are listed,
/// without an end; the order is by <c>sent_at</c>, and the cursor an offset.
/// </summary>
internal static class RequestListing
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 100;

    public static SimulatorHttpResponse Answer(IEnumerable<RequestRecord> requests, SimulatorHttpRequest request, string? owner, DateTimeOffset now)
    {
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        var endpoints = (query.GetValues("endpoint_id") ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        if (endpoints.Count is 0 or > 50)
        {
            return SimulatorHttpResponse.Detail(422, "endpoint_id is required (up to 50).");
        }

        var requestId = query["request_id"];
        var lookBack = requestId is null ? TimeSpan.FromHours(24) : TimeSpan.FromDays(90);
        if (!TryTime(query["start"], now.UtcTicks > lookBack.Ticks ? now - lookBack : DateTimeOffset.MinValue, out var start)
            || !TryTime(query["end"], now, out var end))
        {
            return SimulatorHttpResponse.Detail(422, "start and end must be ISO 8601 times.");
        }

        var limit = DefaultLimit;
        if (query["limit"] is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return SimulatorHttpResponse.Detail(422, $"limit must be 1 to {MaxLimit}.");
        }

        var offset = 0;
        if (query["cursor"] is { } cursor && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return SimulatorHttpResponse.Detail(422, "Invalid cursor.");
        }

        var status = query["status"];
        var payloads = query["expand"]?.Split(',').Contains("payloads", StringComparer.Ordinal) == true;
        var matching = requests
            .Where(r => r.Kind == FalSimulatedRequestKind.Queue && endpoints.Contains(r.AppId) && (owner is null || r.Owner == owner))
            .Where(r => r.SubmittedAt >= start && r.SubmittedAt <= end)
            .Where(r => requestId is null || r.Id == requestId)
            .Where(r => status is null || StatusOf(r) == status)
            .OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var more = offset + page.Count < matching.Count;
        var body = SimulatorJson.WriteObject(w =>
        {
            w.WriteStartArray("items");
            foreach (var r in page)
            {
                Write(w, r, payloads);
            }

            w.WriteEndArray();
            if (more)
            {
                w.WriteString("next_cursor", (offset + page.Count).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteNull("next_cursor");
            }

            w.WriteBoolean("has_more", more);
        });
        return SimulatorHttpResponse.Json(200, body);
    }

    private static void Write(Utf8JsonWriter w, RequestRecord r, bool payloads)
    {
        w.WriteStartObject();
        w.WriteString("request_id", r.Id);
        w.WriteString("endpoint_id", r.AppId);
        w.WriteString("sent_at", r.SubmittedAt);
        Time(w, "started_at", r.StartedAt);
        Time(w, "ended_at", r.CompletedAt);
        if (r.Outcome is { } outcome && r.CompletedAt is { } ended)
        {
            w.WriteNumber("status_code", outcome.StatusCode);
            w.WriteNumber("duration", ((ended - (r.StartedAt ?? r.SubmittedAt)).TotalMilliseconds / 1000.0));
        }
        else
        {
            w.WriteNull("status_code");
            w.WriteNull("duration");
        }

        if (payloads)
        {
            w.WritePropertyName("json_input");
            r.Input.WriteTo(w);
            w.WritePropertyName("json_output");
            if (r.Outcome is { IsSuccess: true } done && done.Body.Length > 0)
            {
                using var output = JsonDocument.Parse(done.Body);
                output.RootElement.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndObject();
    }

    private static string? StatusOf(RequestRecord r) => r.Outcome switch
    {
        null => null,
        { IsSuccess: true } => "success",
        { StatusCode: >= 400 and < 500 } => "user_error",
        _ => "error",
    };

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            w.WriteString(name, time);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (text is null)
        {
            time = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
