using System.Text.Json.Serialization;

namespace Fal.Reactive.Testing;

/// <summary>
/// One entry of a 422 validation error list, serialized as <c>{"loc": [...], "msg": "...", "type": "...", "url": "..."}</c>
/// (fal's model errors link each type to its documentation in <c>url</c>; left out when null).
/// </summary>
/// <param name="Location">The location of the field, e.g. <c>["body", "prompt"]</c>.</param>
/// <param name="Message">The message, e.g. <c>field required</c>.</param>
/// <param name="Type">The error type, e.g. <c>value_error.missing</c>.</param>
public sealed record FalFieldError(
    [property: JsonPropertyName("loc")] IReadOnlyList<object> Location,
    [property: JsonPropertyName("msg")] string Message,
    [property: JsonPropertyName("type")] string Type)
{
    /// <summary>Gets fal's documentation link for the error type, e.g. <c>https://docs.fal.ai/errors/#image_load_error</c>; null leaves it out.</summary>
    [JsonPropertyName("url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }
}
