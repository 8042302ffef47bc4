using System.Diagnostics.CodeAnalysis;
using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>Operators over request status streams.</summary>
public static class FalObservableExtensions
{
    /// <summary>Maps a status stream to the request's output: one value, from <see cref="Completed"/>.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="source">Statuses from <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> or <see cref="FalRequestHandle.Events"/>.</param>
    /// <returns>The output, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static IObservable<T> Results<T>(this IObservable<FalStatus> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.OfType<Completed>().Select(c => FalJson.Deserialize<T>(c.Result ?? throw EmptyResult(c), options: null, c.RequestId));
    }

    /// <summary>Maps a status stream to the request's output, read with source-generated metadata (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="source">Statuses from <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> or <see cref="FalRequestHandle.Events"/>.</param>
    /// <param name="outputType">The type's metadata, e.g. <c>MyJsonContext.Default.MyOutput</c>.</param>
    /// <returns>The output, then completion.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IObservable<T> Results<T>(this IObservable<FalStatus> source, JsonTypeInfo<T> outputType)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputType);
        return source.OfType<Completed>().Select(c => FalJson.Deserialize(c.Result ?? throw EmptyResult(c), outputType, c.RequestId));
    }

    /// <summary>Maps a status stream to the raw output JSON.</summary>
    /// <param name="source">Statuses from <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> or <see cref="FalRequestHandle.Events"/>.</param>
    /// <returns>The output, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public static IObservable<JsonElement> Results(this IObservable<FalStatus> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.OfType<Completed>().Select(c => c.Result ?? throw EmptyResult(c));
    }

    private static FalProtocolException EmptyResult(Completed completed) =>
        new($"Request {completed.RequestId} completed with an empty result.") { RequestId = completed.RequestId };
}
