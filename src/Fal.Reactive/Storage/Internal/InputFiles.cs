using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Fal.Reactive;

/// <summary>
/// Files inside an app's input, uploaded before the input is sent and replaced by their URLs, as the JS client does with
/// Blobs (<c>storage.transformInput</c>). Values of type <see cref="FileInfo"/>, <see cref="Stream"/> or <c>byte[]</c> are
/// found wherever the serializer goes (object properties, anonymous types, records, dictionaries, lists, arrays) and in a
/// <see cref="JsonNode"/> tree (a <see cref="JsonValue"/> made from such a value). A <see cref="JsonElement"/> holds none.
/// </summary>
/// <remarks>
/// One serialization finds them (the converter records each value and writes a placeholder); inputs without files are sent
/// as that first serialization. With files, each is uploaded (a file or bytes under its own name and type, a stream as
/// <c>upload.bin</c>), then the input is serialized again with the URLs. The serializer runs synchronously on one thread,
/// so the converter finds the current pass in a thread-static slot.
/// </remarks>
internal sealed class InputFiles
{
    [ThreadStatic]
    private static InputFiles? t_current;

    private readonly List<object> _values = [];
    private Dictionary<object, string>? _urls;

    public bool IsEmpty => _values.Count == 0;

    public IReadOnlyList<object> Values => _values;

    /// <summary>Serializes an input, collecting the files in it. Files are checked now: a missing or unreadable one throws at the call.</summary>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static (byte[] Body, InputFiles Files) Collect(object? input)
    {
        var files = new InputFiles();
        var body = files.Serialize(input);
        foreach (var value in files._values)
        {
            if (value is FileInfo file)
            {
                // Opened and closed: the upload opens it again, but a missing file is an error at the call.
                using var check = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            }
            else if (value is Stream { CanRead: false })
            {
                throw new ArgumentException("A Stream in the input cannot be read.", nameof(input));
            }
        }

        return (body, files);
    }

    /// <summary>Serializes the input again with each file's URL in its place.</summary>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public byte[] WithUrls(object? input, IReadOnlyDictionary<object, string> urls)
    {
        _urls = new Dictionary<object, string>(urls, ReferenceEqualityComparer.Instance);
        return Serialize(input);
    }

    /// <summary>Uploads one value found in an input.</summary>
    public static Task<Uri> UploadAsync(FalStorage storage, object value, CancellationToken cancellationToken) => value switch
    {
        FileInfo file => storage.UploadAsync(file, options: null, cancellationToken),
        Stream stream => storage.UploadAsync(stream, options: null, cancellationToken),
        byte[] bytes => storage.UploadAsync(FalUploadContent.FromBytes(bytes, "application/octet-stream", FileStoreDefaults.FileName), options: null, cancellationToken),
        _ => throw new InvalidOperationException($"Not an upload: {value.GetType()}"),
    };

    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    private byte[] Serialize(object? input)
    {
        var previous = t_current;
        t_current = this;
        try
        {
            var graph = input is JsonNode node ? Unwrap(node) : input;
            return graph switch
            {
                null => "{}"u8.ToArray(),
                JsonElement element => JsonSerializer.SerializeToUtf8Bytes(element, FalJsonContext.Default.JsonElement),
                _ => JsonSerializer.SerializeToUtf8Bytes(graph, graph.GetType(), Options),
            };
        }
        finally
        {
            t_current = previous;
        }
    }

    private string Placeholder(object value)
    {
        if (_urls is not null)
        {
            return _urls.TryGetValue(value, out var url) ? url : throw new InvalidOperationException("A file of the input was not uploaded.");
        }

        if (!_values.Contains(value, ReferenceEqualityComparer.Instance))
        {
            _values.Add(value);
        }

        return "fal-upload:" + _values.Count;
    }

    /// <summary>The <see cref="FileInfo"/>, <see cref="Stream"/> or <c>byte[]</c> a caller put in a node (<c>JsonValue.Create(file)</c>); null for JSON.</summary>
    public static object? FileValueOf(JsonValue value) =>
        !value.TryGetValue<JsonElement>(out _) && value.TryGetValue<object>(out var raw) && raw is FileInfo or Stream or byte[] ? raw : null;

    /// <summary>A JSON node tree as plain objects, with its file values bare, so the converter sees them.</summary>
    private static object? Unwrap(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Unwrap(p.Value)),
        JsonArray a => a.Select(Unwrap).ToList(),
        JsonValue v when FileValueOf(v) is { } raw => raw,
        _ => node,
    };

    private static JsonSerializerOptions Options
    {
        [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
        [RequiresDynamicCode(FalJson.ReflectionMessage)]
        get => s_options ??= new(FalJson.ReflectionOptions) { Converters = { new FileValueConverterFactory() } };
    }

    private static JsonSerializerOptions? s_options;

    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    private sealed class FileValueConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert == typeof(FileInfo) || typeToConvert == typeof(byte[]) || typeof(Stream).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(FileValueConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class FileValueConverter<T> : JsonConverter<T>
        where T : class
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Inputs are only written.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(t_current is { } files ? files.Placeholder(value) : throw new InvalidOperationException("No input is being serialized."));
    }
}
