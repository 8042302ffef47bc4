using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>JSON helpers: fal's snake_case serialization and small writers for the protocol bodies.</summary>
internal static class SimulatorJson
{
    // Bodies go to HTTP clients, never into HTML: write quotes and non-ASCII text as they are, like fal's servers.
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = s_encoder };

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = s_encoder,
    };

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static JsonElement EmptyObject => s_emptyObject;

    public static JsonElement ToElement(object? value) => value switch
    {
        JsonElement element => element.Clone(),
        _ => JsonSerializer.SerializeToElement(value, s_options),
    };

    public static JsonElement Object(Action<Utf8JsonWriter> writeProperties)
    {
        var bytes = WriteObject(writeProperties);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    public static byte[] WriteObject(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Detail(string detail) => WriteObject(w => w.WriteString("detail", detail));

    public static byte[] ToBytes(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            element.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>fal's log timestamps: ISO 8601, UTC, microseconds.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);
}
