using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// The output of a direct run with the id fal gave it (<c>x-fal-request-id</c>), as the JS client's
/// <c>run</c> returns <c>{data, requestId}</c>: quote the id to fal's support, or find the run in its logs.
/// </summary>
/// <param name="RequestId">The request id, or <see langword="null"/> when fal's answer did not carry one.</param>
/// <param name="Result">The output JSON.</param>
public sealed record FalRunResult(string? RequestId, JsonElement Result)
{
    /// <summary>Deserializes <see cref="Result"/> into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <returns>The output.</returns>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public T GetResult<T>() => FalJson.Deserialize<T>(Result, options: null, RequestId);

    /// <summary>Deserializes <see cref="Result"/> with source-generated metadata (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="outputType">The type's metadata, e.g. <c>MyJsonContext.Default.MyOutput</c>.</param>
    /// <returns>The output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputType"/> is null.</exception>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    public T GetResult<T>(JsonTypeInfo<T> outputType)
    {
        ArgumentNullException.ThrowIfNull(outputType);
        return FalJson.Deserialize(Result, outputType, RequestId);
    }
}
