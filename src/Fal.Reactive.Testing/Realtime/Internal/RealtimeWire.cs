using System.Text;
using System.Text.Json;
using MessagePack;

namespace Fal.Reactive.Testing;

/// <summary>The simulator's own reading and writing of realtime frames: JSON text, or msgpack through MessagePack-CSharp.</summary>
internal static class RealtimeWire
{
    private static readonly MessagePackSerializerOptions s_untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <exception cref="FormatException">The frame is not JSON (text) or msgpack (binary).</exception>
    public static JsonElement Read(byte[] frame, bool text)
    {
        try
        {
            using var document = text ? JsonDocument.Parse(frame) : JsonDocument.Parse(MessagePackSerializer.ConvertToJson(frame, s_untrusted));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or MessagePackSerializationException or InvalidOperationException or EndOfStreamException)
        {
            throw new FormatException($"not valid {(text ? "JSON" : "msgpack")}: {e.Message}", e);
        }
    }

    public static byte[] ToMessagePack(byte[] json) =>
        MessagePackSerializer.ConvertFromJson(Encoding.UTF8.GetString(json), MessagePackSerializerOptions.Standard);
}
