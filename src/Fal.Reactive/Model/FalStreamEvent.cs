using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

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
    /// <returns>The event.</returns>
    /// <exception cref="FalProtocolException">The data does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public T GetData<T>() => FalJson.Deserialize<T>(Data, options: null, RequestId);

    /// <summary>Deserializes <see cref="Data"/> with source-generated metadata (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="dataType">The type's metadata, e.g. <c>MyJsonContext.Default.MyEvent</c>.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataType"/> is null.</exception>
    /// <exception cref="FalProtocolException">The data does not fit <typeparamref name="T"/>.</exception>
    public T GetData<T>(JsonTypeInfo<T> dataType)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        return FalJson.Deserialize(Data, dataType, RequestId);
    }
}
