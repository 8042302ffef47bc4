using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessagePack;

namespace Fal.Reactive;

/// <summary>
/// Realtime frames to and from JSON: inputs are serialized to JSON (snake_case by default), then sent as JSON text
/// or converted to msgpack by MessagePack-CSharp; frames received are read back to a <see cref="JsonElement"/>.
/// </summary>
internal static class RealtimeCodec
{
    // Frames come from the network: the library's guard against hostile nesting and hash flooding.
    private static readonly MessagePackSerializerOptions s_untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Encodes an input, adding <c>request_id</c> when one is given.</summary>
    /// <exception cref="ArgumentException">A request id was given but the input is not a JSON object.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = RealtimeJson.Justification)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = RealtimeJson.Justification)]
    public static byte[] EncodeInput(object? input, Type type, string? requestId, JsonSerializerOptions options, FalRealtimeFormat format)
    {
        byte[] json;
        if (requestId is null)
        {
            json = input is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(input, type, options);
        }
        else
        {
            var node = input is null ? new JsonObject() : JsonSerializer.SerializeToNode(input, type, options);
            if (node is not JsonObject body)
            {
                throw new ArgumentException($"A request id can only be added to an input that serializes to a JSON object, not {node?.GetValueKind().ToString() ?? "null"}.", nameof(input));
            }

            body["request_id"] = requestId;
            json = JsonSerializer.SerializeToUtf8Bytes(body, options);
        }

        return format == FalRealtimeFormat.Json ? json : JsonToMessagePack(json);
    }

    public static byte[] JsonToMessagePack(ReadOnlySpan<byte> json) =>
        MessagePackSerializer.ConvertFromJson(Encoding.UTF8.GetString(json), MessagePackSerializerOptions.Standard);

    /// <summary>Reads a text (JSON) or binary (msgpack) frame.</summary>
    /// <exception cref="FormatException">The frame is neither.</exception>
    public static JsonElement Decode(RealtimeFrame frame)
    {
        try
        {
            if (frame.Kind == RealtimeFrameKind.Text)
            {
                using var document = JsonDocument.Parse(frame.Data);
                return document.RootElement.Clone();
            }

            var json = MessagePackSerializer.ConvertToJson(frame.Data, s_untrusted);
            using (var document = JsonDocument.Parse(json))
            {
                return document.RootElement.Clone();
            }
        }
        catch (Exception e) when (e is JsonException or MessagePackSerializationException or InvalidOperationException or EndOfStreamException)
        {
            throw new FormatException($"A realtime {frame.Kind.ToString().ToLowerInvariant()} frame of {frame.Data.Length} bytes is not valid {(frame.Kind == RealtimeFrameKind.Text ? "JSON" : "msgpack")}: {e.Message}", e);
        }
    }

    /// <summary>What a decoded message means, as fal's official clients read it.</summary>
    public static RealtimeMessage Classify(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new RealtimeMessage(RealtimeMessageKind.Result, null, null, null);
        }

        var type = StringOf(message, "type");
        var status = StringOf(message, "status");
        var error = StringOf(message, "error");
        var requestId = StringOf(message, "request_id");
        if (status == "error" && error == "Unauthorized")
        {
            return new RealtimeMessage(RealtimeMessageKind.Unauthorized, error, StringOf(message, "reason"), requestId);
        }

        return type switch
        {
            // Meta messages (JS and Python skip them).
            "x-fal-message" => new RealtimeMessage(RealtimeMessageKind.Skip, null, null, requestId),
            // TIMEOUT only says the app saw no input for a while; it closes the idle connection next (JS ignores it).
            "x-fal-error" when error == "TIMEOUT" => new RealtimeMessage(RealtimeMessageKind.Skip, error, StringOf(message, "reason"), requestId),
            "x-fal-error" => new RealtimeMessage(RealtimeMessageKind.Error, error ?? "UNKNOWN_ERROR", StringOf(message, "reason"), requestId),
            _ when status == "error" => new RealtimeMessage(RealtimeMessageKind.Error, error ?? "UNKNOWN_ERROR", StringOf(message, "reason") ?? StringOf(message, "detail"), requestId),
            _ => new RealtimeMessage(RealtimeMessageKind.Result, null, null, requestId),
        };
    }

    private static string? StringOf(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

internal enum RealtimeMessageKind
{
    Result,
    Skip,
    Unauthorized,
    Error,
}

internal readonly record struct RealtimeMessage(RealtimeMessageKind Kind, string? Error, string? Reason, string? RequestId);
