using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace Fal.Reactive;

/// <summary>
/// msgpack frames (the default, as fal's template: <c>msgpack.packb(..., use_bin_type=True)</c>). JSON is written
/// to msgpack by hand rather than through a JSON string, so that <see cref="byte"/> arrays of the input, which
/// <see cref="RealtimeBytes"/> marks while the input is serialized, go out as msgpack <c>bin</c>, as fal keeps bytes.
/// </summary>
internal sealed class MessagePackRealtimeCodec : IFalRealtimeCodec
{
    public static readonly MessagePackRealtimeCodec Instance = new();

    // Frames come from the network: the library's guard against hostile nesting and hash flooding.
    private static readonly MessagePackSerializerOptions s_untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public byte[] Encode(JsonElement input) => Encode(input, bytes: null);

    /// <summary>Encodes <paramref name="input"/>; strings that are <see cref="RealtimeBytes"/> marks become <c>bin</c>.</summary>
    public static byte[] Encode(JsonElement input, IReadOnlyList<byte[]>? bytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, input, bytes);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads msgpack as JSON: a <c>bin</c> becomes a base64 string, which reads back as a <see cref="byte"/> array.</summary>
    public JsonElement Decode(ReadOnlyMemory<byte> frame)
    {
        try
        {
            using var document = JsonDocument.Parse(MessagePackSerializer.ConvertToJson(frame, s_untrusted));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or MessagePackSerializationException or InvalidOperationException or EndOfStreamException)
        {
            throw new FormatException($"not valid msgpack: {e.Message}", e);
        }
    }

    private static void Write(ref MessagePackWriter writer, JsonElement element, IReadOnlyList<byte[]>? bytes)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var unused in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value, bytes);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    Write(ref writer, item, bytes);
                }

                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (bytes is not null && RealtimeBytes.TryResolve(text, bytes, out var bin))
                {
                    writer.Write(bin);
                }
                else
                {
                    writer.Write(text);
                }

                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    writer.Write(integer);
                }
                else if (element.TryGetUInt64(out var unsigned))
                {
                    writer.Write(unsigned);
                }
                else
                {
                    writer.Write(element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }
}
