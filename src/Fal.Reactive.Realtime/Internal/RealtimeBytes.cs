using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fal.Reactive;

/// <summary>
/// Carries an input's <see cref="byte"/> arrays past JSON to the msgpack writer: while an input is serialized
/// for the msgpack codec, each array is set aside and a mark written in its place, which the writer turns into
/// <c>bin</c>. Anywhere else (other codecs, outputs) arrays are base64 strings, as System.Text.Json writes them.
/// Serialization is synchronous, so the arrays of the one in progress live on its thread.
/// </summary>
internal sealed class RealtimeBytes : JsonConverter<byte[]>
{
    // A NUL first: no prompt or URL starts with one by accident.
    private const string Mark = "\u0000fal-bin:";

    [ThreadStatic]
    private static List<byte[]>? t_collected;

    /// <summary>Runs <paramref name="serialize"/>, collecting the byte arrays it writes.</summary>
    public static (T Value, IReadOnlyList<byte[]> Bytes) Collect<T>(Func<T> serialize)
    {
        var outer = t_collected;
        var collected = new List<byte[]>();
        t_collected = collected;
        try
        {
            return (serialize(), collected);
        }
        finally
        {
            t_collected = outer;
        }
    }

    public static bool TryResolve(string text, IReadOnlyList<byte[]> bytes, out byte[] value)
    {
        if (text.StartsWith(Mark, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(Mark.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index < bytes.Count)
        {
            value = bytes[index];
            return true;
        }

        value = [];
        return false;
    }

    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        if (t_collected is { } collected)
        {
            writer.WriteStringValue(Mark + collected.Count.ToString(CultureInfo.InvariantCulture));
            collected.Add(value);
        }
        else
        {
            writer.WriteBase64StringValue(value);
        }
    }
}
