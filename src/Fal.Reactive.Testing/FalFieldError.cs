using System.Text.Json.Serialization;

namespace Fal.Reactive.Testing;

/// <summary>One entry of a 422 validation error list, serialized as <c>{"loc": [...], "msg": "...", "type": "..."}</c>.</summary>
/// <param name="Location">The location of the field, e.g. <c>["body", "prompt"]</c>.</param>
/// <param name="Message">The message, e.g. <c>field required</c>.</param>
/// <param name="Type">The error type, e.g. <c>value_error.missing</c>.</param>
public sealed record FalFieldError(
    [property: JsonPropertyName("loc")] IReadOnlyList<object> Location,
    [property: JsonPropertyName("msg")] string Message,
    [property: JsonPropertyName("type")] string Type);
