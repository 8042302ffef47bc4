using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// fal's JSON: inputs to bytes, outputs to types. The JSON DOM types (<see cref="JsonElement"/>,
/// <see cref="JsonNode"/>) and callers' <see cref="JsonTypeInfo{T}"/> need no reflection; only the
/// <c>object</c> conveniences do, and they say so ([RequiresUnreferencedCode]).
/// </summary>
internal static class FalJson
{
    /// <summary>The warning the reflection-based conveniences carry.</summary>
    public const string ReflectionMessage =
        "Serializes or deserializes a type by reflection, which trimming and Native AOT can break: pass a JsonElement, a JsonNode or a source-generated JsonTypeInfo<T> instead.";

    private static readonly byte[] s_emptyObject = "{}"u8.ToArray();

    private static JsonSerializerOptions? s_reflectionOptions;

    /// <summary>
    /// fal's settings (snake_case names both ways) with reflection: what the <c>object</c> conveniences
    /// use, so a plain record or an anonymous object maps to fal's names.
    /// </summary>
    public static JsonSerializerOptions ReflectionOptions
    {
        [RequiresUnreferencedCode(ReflectionMessage)]
        [RequiresDynamicCode(ReflectionMessage)]
        get => s_reflectionOptions ??= new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            // As deep as a result may be read (FalWire.MaxDepth): an output the client took must also map to a type.
            MaxDepth = FalWire.MaxDepth,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(FalJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
    }

    public static byte[] SerializeInput(JsonElement input) =>
        input.ValueKind == JsonValueKind.Undefined ? s_emptyObject : JsonSerializer.SerializeToUtf8Bytes(input, FalJsonContext.Default.JsonElement);

    public static byte[] SerializeInput(JsonNode? input) =>
        input is null ? s_emptyObject : JsonSerializer.SerializeToUtf8Bytes(input, FalJsonContext.Default.JsonNode);

    public static byte[] SerializeInput<T>(T input, JsonTypeInfo<T> inputType) =>
        input is null ? s_emptyObject : JsonSerializer.SerializeToUtf8Bytes(input, inputType);

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static T Deserialize<T>(JsonElement element, JsonSerializerOptions? options, string? requestId)
    {
        try
        {
            return element.Deserialize<T>(options ?? ReflectionOptions) ?? throw NullOutput<T>(requestId);
        }
        catch (JsonException e)
        {
            throw DoesNotFit<T>(requestId, e);
        }
    }

    public static T Deserialize<T>(JsonElement element, JsonTypeInfo<T> outputType, string? requestId)
    {
        try
        {
            return element.Deserialize(outputType) ?? throw NullOutput<T>(requestId);
        }
        catch (JsonException e)
        {
            throw DoesNotFit<T>(requestId, e);
        }
    }

    private static FalProtocolException NullOutput<T>(string? requestId) =>
        new($"Request {requestId}: the output is null, expected {typeof(T).Name}.") { RequestId = requestId };

    private static FalProtocolException DoesNotFit<T>(string? requestId, JsonException e) =>
        new($"Request {requestId}: the output does not fit {typeof(T).Name}: {e.Message}", e) { RequestId = requestId };
}

/// <summary>Source-generated metadata for what the client serializes itself: the JSON DOM and the upload request.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = FalWire.MaxDepth)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(FalUploadRequest))]
[JsonSerializable(typeof(TemporaryTokenRequest))]
internal sealed partial class FalJsonContext : JsonSerializerContext;

/// <summary>The body of <c>storage/upload/initiate</c>.</summary>
internal sealed record FalUploadRequest(string ContentType, string FileName);
