using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// A handle's output read into a type with source-generated metadata (trimming and Native AOT safe). Extensions
/// over <see cref="FalRequestHandle.Get"/> and <see cref="FalRequestHandle.GetAsync"/>, so a mock overriding those
/// answers these too; the reflection-based <c>Get&lt;T&gt;()</c> is in <see cref="FalReflectionExtensions"/>.
/// </summary>
public static class FalRequestHandleExtensions
{
    /// <summary>Waits for the request to complete and returns its output, read with source-generated metadata.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="handle">The request's handle.</param>
    /// <param name="outputType">The type's metadata, e.g. <c>MyJsonContext.Default.MyOutput</c>.</param>
    /// <param name="cancellationToken">Stops waiting (not the request).</param>
    /// <returns>The output.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FalHttpException">The request finished with an error.</exception>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    public static T Get<T>(this FalRequestHandle handle, JsonTypeInfo<T> outputType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(outputType);
        return FalJson.Deserialize(handle.Get(cancellationToken), outputType, handle.RequestId);
    }

    /// <inheritdoc cref="Get{T}(FalRequestHandle, JsonTypeInfo{T}, CancellationToken)"/>
    public static async Task<T> GetAsync<T>(this FalRequestHandle handle, JsonTypeInfo<T> outputType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(outputType);
        return FalJson.Deserialize(await handle.GetAsync(cancellationToken).ConfigureAwait(false), outputType, handle.RequestId);
    }
}
