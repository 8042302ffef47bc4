using System.Text.Json;

namespace Fal.Reactive;

/// <summary>One event of a streaming run: the data fal sent, with the run's request id.</summary>
/// <param name="RequestId">The request id (<c>x-fal-request-id</c>), or <see langword="null"/> when fal's answer did not carry one.</param>
/// <param name="Data">The event's JSON: a partial output, or the final one.</param>
public sealed record FalStreamEvent(string? RequestId, JsonElement Data)
{
    /// <summary>
    /// Whether the event says it is partial (<c>"partial": true</c>, as <c>fal-ai/any-llm</c> marks all but
    /// its last); an event without that field is taken as final.
    /// </summary>
    public bool IsPartial =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("partial", out var partial) && partial.ValueKind == JsonValueKind.True;

    /// <summary>Deserializes <see cref="Data"/> into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="options">Serializer options; fal's snake_case names are matched by default.</param>
    /// <returns>The event.</returns>
    /// <exception cref="FalProtocolException">The data does not fit <typeparamref name="T"/>.</exception>
    public T GetData<T>(JsonSerializerOptions? options = null) => FalJson.Deserialize<T>(Data, options, RequestId);
}
