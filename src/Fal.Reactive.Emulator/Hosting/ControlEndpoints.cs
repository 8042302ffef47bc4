using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Emulator.Apps;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Hosting;

/// <summary>The emulator's own endpoints under <c>/_emulator/</c>: what it holds, for people and test scripts.</summary>
internal static class ControlEndpoints
{
    public static Task HandleAsync(HttpContext context, FalSimulator simulator, PathString path, IReadOnlySet<string>? keys)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return SimulatorEndpoint.WriteDetailAsync(context, 405, "Method not allowed");
        }

        // With configured keys, the lists (ids, calls, webhook payloads: every key's) are the operator's: they need one
        // of the keys. Health (URLs, apps, counts) stays open for readiness probes.
        var listing = path.Value?.TrimEnd('/') is "/requests" or "/calls" or "/webhooks";
        if (listing && keys is not null && !HasKey(context, keys))
        {
            return SimulatorEndpoint.WriteDetailAsync(context, 401, "The emulator's lists need one of its keys: 'Authorization: Key <key>'.");
        }

        return path.Value?.TrimEnd('/') switch
        {
            "/requests" => WriteJsonAsync(context, w => WriteRequests(w, simulator)),
            "/calls" => WriteJsonAsync(context, w => WriteCalls(w, simulator)),
            "/webhooks" => WriteJsonAsync(context, w => WriteWebhooks(w, simulator)),
            "/files" => WriteJsonAsync(context, w => WriteFiles(w, simulator)),
            "" or "/health" => WriteJsonAsync(context, w => WriteHealth(w, simulator)),
            _ => SimulatorEndpoint.WriteDetailAsync(context, 404, $"Path /_emulator{path} not found"),
        };
    }

    private static bool HasKey(HttpContext context, IReadOnlySet<string> keys) =>
        context.Request.Headers.Authorization.ToString() is { } header
        && header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase)
        && keys.Contains(header[4..].Trim());

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        await using var writerScope = writer.ConfigureAwait(false);
        write(writer);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteHealth(Utf8JsonWriter w, FalSimulator simulator)
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteString("queue_url", simulator.QueueUrl.AbsoluteUri);
        w.WriteString("run_url", simulator.RunUrl.AbsoluteUri);
        w.WriteString("rest_url", simulator.RestUrl.AbsoluteUri);
        // What retention currently holds: a long-running emulator's memory is bounded by these.
        var files = simulator.Files;
        w.WriteStartObject("held");
        w.WriteNumber("requests", simulator.Requests.Count);
        w.WriteNumber("calls", simulator.Calls.Count);
        w.WriteNumber("webhooks", simulator.Webhooks.Count);
        w.WriteNumber("files", files.Count);
        // Unfinished multipart parts included: they hold memory as much as files do.
        w.WriteNumber("file_bytes", simulator.StoredBytes);
        w.WriteEndObject();
        w.WriteStartArray("apps");
        foreach (var app in BuiltInApps.Ids)
        {
            w.WriteStringValue(app);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRequests(Utf8JsonWriter w, FalSimulator simulator)
    {
        w.WriteStartArray();
        foreach (var r in simulator.Requests)
        {
            w.WriteStartObject();
            w.WriteString("request_id", r.RequestId);
            w.WriteString("app", r.AppId + r.Path);
            w.WriteString("app_id", r.AppId);
            w.WriteString("path", r.Path);
            w.WriteString("kind", r.Kind.ToString().ToLowerInvariant());
            w.WriteString("state", r.State.ToString().ToLowerInvariant());
            if (r.QueuePosition is { } position)
            {
                w.WriteNumber("queue_position", position);
            }

            w.WriteString("priority", r.Priority);
            WriteOptional(w, "hint", r.Hint);
            WriteTime(w, "submitted_at", r.SubmittedAt);
            WriteTime(w, "started_at", r.StartedAt);
            WriteTime(w, "completed_at", r.CompletedAt);
            if (r.ResultStatusCode is { } code)
            {
                w.WriteNumber("status_code", code);
            }

            w.WriteBoolean("cancel_requested", r.CancelRequested);
            WriteOptional(w, "webhook_url", r.WebhookUrl?.AbsoluteUri);
            WriteOptional(w, "object_lifecycle", r.ObjectLifecycle);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteCalls(Utf8JsonWriter w, FalSimulator simulator)
    {
        w.WriteStartArray();
        foreach (var c in simulator.Calls)
        {
            w.WriteStartObject();
            WriteTime(w, "time", c.Time);
            w.WriteString("method", c.Method);
            w.WriteString("url", c.Url.AbsoluteUri);
            w.WriteString("kind", c.Kind.ToString());
            WriteOptional(w, "request_id", c.RequestId);
            w.WriteBoolean("has_authorization", c.HasAuthorization);
            if (c.StatusCode is { } code)
            {
                w.WriteNumber("status_code", code);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteWebhooks(Utf8JsonWriter w, FalSimulator simulator)
    {
        w.WriteStartArray();
        foreach (var webhook in simulator.Webhooks)
        {
            w.WriteStartObject();
            WriteTime(w, "time", webhook.Time);
            w.WriteString("url", webhook.Url.AbsoluteUri);
            w.WritePropertyName("body");
            webhook.Body.WriteTo(w);
            w.WriteStartObject("headers");
            foreach (var (name, value) in webhook.Headers)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The stored files (not their bytes): URL, name, type, size, parts, lifecycle.</summary>
    private static void WriteFiles(Utf8JsonWriter w, FalSimulator simulator)
    {
        w.WriteStartArray();
        foreach (var file in simulator.Files)
        {
            w.WriteStartObject();
            w.WriteString("url", file.Url.AbsoluteUri);
            w.WriteString("file_name", file.FileName);
            w.WriteString("content_type", file.ContentType);
            w.WriteNumber("size", file.Content.Length);
            w.WriteNumber("part_count", file.PartCount);
            WriteOptional(w, "lifecycle", file.Lifecycle);
            WriteTime(w, "expires_at", file.ExpiresAt);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            w.WriteString(name, t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }
    }
}
