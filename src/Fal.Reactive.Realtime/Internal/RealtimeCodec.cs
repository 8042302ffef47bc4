using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fal.Reactive;

/// <summary>
/// Inputs to frames and frames to messages, as fal_client reads them: inputs are serialized to JSON (snake_case by
/// default) and encoded by the connection's codec into one binary frame; a text frame is JSON, and fal's own
/// <c>x-fal-*</c> frames are text only (fal sends them with <c>send_json</c> whatever the app's format); a binary
/// frame is the codec's.
/// </summary>
internal static class RealtimeCodec
{
    /// <summary>Encodes an input, adding <c>request_id</c> when one is given.</summary>
    /// <exception cref="ArgumentException">A request id was given but the input is not a JSON object.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = RealtimeJson.Justification)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = RealtimeJson.Justification)]
    public static byte[] EncodeInput(object? input, Type type, string? requestId, JsonSerializerOptions options, IFalRealtimeCodec codec)
    {
        if (codec is MessagePackRealtimeCodec)
        {
            // The byte arrays are set aside while serializing, and go out as msgpack bin.
            var (json, bytes) = RealtimeBytes.Collect(() => ToJson(input, type, requestId, options));
            return MessagePackRealtimeCodec.Encode(json, bytes);
        }

        return codec.Encode(ToJson(input, type, requestId, options));
    }

    /// <summary>Reads a frame: a result, a frame to skip, a refused token, or an error that ends the session.</summary>
    /// <exception cref="FormatException">The frame is not JSON (text) or not in the codec's format (binary).</exception>
    public static RealtimeMessage Read(RealtimeFrame frame, IFalRealtimeCodec codec)
    {
        if (frame.Kind == RealtimeFrameKind.Text)
        {
            JsonElement message;
            try
            {
                using var document = JsonDocument.Parse(frame.Data);
                message = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new FormatException($"A realtime text frame of {frame.Data.Length} bytes is not valid JSON: {e.Message}", e);
            }

            return ClassifyText(message);
        }

        JsonElement decoded;
        try
        {
            decoded = codec.Decode(frame.Data);
        }
        catch (Exception e)
        {
            throw new FormatException($"A realtime binary frame of {frame.Data.Length} bytes could not be decoded: {e.Message}", e);
        }

        // fal_client returns every binary frame as a result; the refused-token answer is the one exception (JS reads it in either).
        return IsUnauthorized(decoded)
            ? new RealtimeMessage(RealtimeMessageKind.Unauthorized, decoded, "Unauthorized", null, null)
            : new RealtimeMessage(RealtimeMessageKind.Result, decoded, null, null, StringOf(decoded, "request_id"));
    }

    /// <summary>A text frame, as fal_client's <c>_decode_realtime_message</c> and fal-js read it.</summary>
    private static RealtimeMessage ClassifyText(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new RealtimeMessage(RealtimeMessageKind.Result, message, null, null, null);
        }

        var error = StringOf(message, "error");
        var reason = StringOf(message, "reason");
        var requestId = StringOf(message, "request_id");
        if (IsUnauthorized(message))
        {
            return new RealtimeMessage(RealtimeMessageKind.Unauthorized, message, error, reason, requestId);
        }

        return StringOf(message, "type") switch
        {
            // Meta messages such as timings (JS and Python skip them).
            "x-fal-message" => new RealtimeMessage(RealtimeMessageKind.Skip, message, null, null, requestId),
            // TIMEOUT only says the app saw no input for a while; it closes the idle connection next (JS ignores it).
            "x-fal-error" when error == "TIMEOUT" => new RealtimeMessage(RealtimeMessageKind.Skip, message, error, reason, requestId),
            "x-fal-error" => new RealtimeMessage(RealtimeMessageKind.Error, message, error ?? "UNKNOWN_ERROR", reason, requestId),
            _ when StringOf(message, "status") == "error" => new RealtimeMessage(RealtimeMessageKind.Error, message, error ?? "UNKNOWN_ERROR", reason ?? StringOf(message, "detail"), requestId),
            _ => new RealtimeMessage(RealtimeMessageKind.Result, message, null, null, requestId),
        };
    }

    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    private static JsonElement ToJson(object? input, Type type, string? requestId, JsonSerializerOptions options)
    {
        if (requestId is null)
        {
            return input is null ? JsonSerializer.SerializeToElement(new JsonObject()) : JsonSerializer.SerializeToElement(input, type, options);
        }

        var node = input is null ? new JsonObject() : JsonSerializer.SerializeToNode(input, type, options);
        if (node is not JsonObject body)
        {
            throw new ArgumentException($"A request id can only be added to an input that serializes to a JSON object, not {node?.GetValueKind().ToString() ?? "null"}.", nameof(input));
        }

        body["request_id"] = requestId;
        return JsonSerializer.SerializeToElement(body, options);
    }

    private static bool IsUnauthorized(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && StringOf(message, "status") == "error" && StringOf(message, "error") == "Unauthorized";

    private static string? StringOf(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

internal enum RealtimeMessageKind
{
    Result,
    Skip,
    Unauthorized,
    Error,
}

internal readonly record struct RealtimeMessage(RealtimeMessageKind Kind, JsonElement Message, string? Error, string? Reason, string? RequestId);
