using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// JSON in binary frames (<see cref="FalRealtimeFormat.Json"/>): what an app with fal's JSON codec reads
/// (<c>json.dumps(...).encode()</c> sent as bytes), since fal's template reads binary frames only.
/// </summary>
internal sealed class JsonRealtimeCodec : IFalRealtimeCodec
{
    public static readonly JsonRealtimeCodec Instance = new();

    public byte[] Encode(JsonElement input)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            input.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public JsonElement Decode(ReadOnlyMemory<byte> frame)
    {
        try
        {
            using var document = JsonDocument.Parse(frame);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON: {e.Message}", e);
        }
    }
}
