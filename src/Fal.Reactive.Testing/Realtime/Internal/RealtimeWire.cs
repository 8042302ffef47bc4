using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessagePack;
using MessagePack.Resolvers;

namespace Fal.Reactive.Testing;

/// <summary>
/// The simulator's own reading and writing of realtime frames, as fal's template does: msgpack through
/// MessagePack-CSharp (or JSON bytes for a JSON app), never through a JSON string when the app takes msgpack values.
/// </summary>
internal static class RealtimeWire
{
    private static readonly MessagePackSerializerOptions s_untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    // Anonymous types and dictionaries as maps, byte arrays as bin: what msgpack.packb(use_bin_type=True) writes.
    private static readonly MessagePackSerializerOptions s_contractless =
        ContractlessStandardResolver.Options.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>A binary frame as JSON (for <see cref="FalSimulatedRealtimeConnection.Inputs"/> and JSON apps; bin as base64).</summary>
    /// <exception cref="FormatException">The frame is not msgpack (or JSON, for a JSON app).</exception>
    public static JsonElement ReadJson(byte[] frame, bool json)
    {
        try
        {
            using var document = json ? JsonDocument.Parse(frame) : JsonDocument.Parse(MessagePackSerializer.ConvertToJson(frame, s_untrusted));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or MessagePackSerializationException or InvalidOperationException or EndOfStreamException)
        {
            throw new FormatException($"not valid {(json ? "JSON" : "msgpack")}: {e.Message}", e);
        }
    }

    /// <summary>A msgpack frame as .NET values: maps, arrays, strings, numbers, and <c>bin</c> as byte arrays.</summary>
    public static object? ReadRaw(byte[] frame)
    {
        try
        {
            return MessagePackSerializer.Deserialize<object>(frame, s_untrusted);
        }
        catch (MessagePackSerializationException e)
        {
            throw new FormatException($"not valid msgpack: {e.Message}", e);
        }
    }

    public static byte[] WriteRaw(object? output) => MessagePackSerializer.Serialize(output, s_contractless);

    public static byte[] Write(JsonObject reply, bool json) =>
        json ? Encoding.UTF8.GetBytes(reply.ToJsonString()) : MessagePackSerializer.ConvertFromJson(reply.ToJsonString(), MessagePackSerializerOptions.Standard);
}
