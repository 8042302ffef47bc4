using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// An app's input, serialized without reflection (trimming and Native AOT safe): a <see cref="JsonElement"/>, a
/// <see cref="JsonNode"/>, UTF-8 JSON, or any value with its source-generated <see cref="JsonTypeInfo{T}"/>. Every
/// operation of <see cref="FalClient"/> takes one; a JSON element or node converts implicitly, so
/// <c>fal.Submit(app, new JsonObject { ["prompt"] = "…" })</c> binds here, not to the reflection-based <c>object</c> overload.
/// </summary>
/// <remarks>
/// The JSON is captured when the input is made: changing the node or disposing the element's document afterwards
/// changes nothing. A <see cref="JsonNode"/> holding <see cref="FileInfo"/>, <see cref="Stream"/> or <c>byte[]</c>
/// values (<c>JsonValue.Create(file)</c>) has those uploaded to fal storage when the request starts, as the
/// <c>object</c> overloads do (reading CLR values out of a node needs reflection: in a trimmed app upload first
/// with <see cref="FalClient.Storage"/> and put the URL in the tree). One input may be sent many times; its files
/// are uploaded once.
/// </remarks>
public sealed class FalInput
{
    private FalInput(PreparedInput prepared, bool byReflection = false)
    {
        Prepared = prepared;
        ByReflection = byReflection;
    }

    /// <summary>The body as the request path sends it (files uploaded when first needed).</summary>
    internal PreparedInput Prepared { get; }

    /// <summary>Whether the input came through a reflection-based convenience (what a test of overload binding checks).</summary>
    internal bool ByReflection { get; }

    /// <summary>An input from a JSON element (<see cref="JsonValueKind.Undefined"/>, <c>default(JsonElement)</c>, sends <c>{}</c>).</summary>
    /// <param name="input">The input JSON.</param>
    public static implicit operator FalInput(JsonElement input) => FromJsonElement(input);

    /// <summary>An input from a JSON node (<see langword="null"/> sends <c>{}</c>).</summary>
    /// <param name="input">The input JSON.</param>
    public static implicit operator FalInput(JsonNode? input) => FromJsonNode(input);

    /// <summary>An input from a JSON element (<see cref="JsonValueKind.Undefined"/> sends <c>{}</c>).</summary>
    /// <param name="input">The input JSON.</param>
    /// <returns>The input.</returns>
    public static FalInput FromJsonElement(JsonElement input) => new(PreparedInput.FromBody(FalJson.SerializeInput(input)));

    /// <summary>An input from a JSON node (<see langword="null"/> sends <c>{}</c>); file values in it are uploaded when the request starts.</summary>
    /// <param name="input">The input JSON.</param>
    /// <returns>The input.</returns>
    public static FalInput FromJsonNode(JsonNode? input) => new(PreparedInput.Create(input));

    /// <summary>An input from a value serialized with its source-generated metadata.</summary>
    /// <typeparam name="T">The app's input type.</typeparam>
    /// <param name="value">The value (<see langword="null"/> sends <c>{}</c>).</param>
    /// <param name="typeInfo">The type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is null.</exception>
    public static FalInput From<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new(PreparedInput.FromBody(FalJson.SerializeInput(value, typeInfo)));
    }

    /// <summary>An input from UTF-8 JSON text, sent as given (after a check that it is one JSON value).</summary>
    /// <param name="utf8Json">The JSON, e.g. <c>"""{"prompt":"a landscape"}"""u8</c>; copied.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="utf8Json"/> is not one well-formed JSON value.</exception>
    public static FalInput FromUtf8Json(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read() || !reader.TrySkip() || reader.Read())
            {
                throw new ArgumentException("The input is not one complete JSON value.", nameof(utf8Json));
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The input is not well-formed JSON: {e.Message}", nameof(utf8Json), e);
        }

        return new(PreparedInput.FromBody(utf8Json.ToArray()));
    }

    /// <summary>The input of an <c>object</c> overload: serialized by reflection, its files found and uploaded when the request starts.</summary>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    internal static FalInput FromObject(object? input) => input as FalInput ?? new(PreparedInput.Create(input), byReflection: true);

    /// <summary>What a null input sends: <c>{}</c>.</summary>
    internal static PreparedInput PreparedOrEmpty(FalInput? input) => input?.Prepared ?? s_empty;

    // Immutable (a body without files), so one serves every call without an input.
    private static readonly PreparedInput s_empty = PreparedInput.FromBody(FalJson.SerializeInput((JsonNode?)null));
}
