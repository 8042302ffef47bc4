using System.Reactive.Linq;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Operators over request status streams.</summary>
public static class FalObservableExtensions
{
    /// <summary>Maps a status stream to the request's output: one value, from <see cref="Completed"/>.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="source">Statuses from <see cref="FalClient.Submit"/> or <see cref="FalRequestHandle.Events(bool, TimeSpan?, System.Reactive.Concurrency.IScheduler?)"/>.</param>
    /// <param name="options">Serializer options; snake_case by default.</param>
    /// <returns>The output, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public static IObservable<T> Results<T>(this IObservable<FalStatus> source, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.OfType<Completed>().Select(c => c.GetResult<T>(options));
    }

    /// <summary>Maps a status stream to the raw output JSON.</summary>
    /// <param name="source">Statuses from <see cref="FalClient.Submit"/> or <see cref="FalRequestHandle.Events(bool, TimeSpan?, System.Reactive.Concurrency.IScheduler?)"/>.</param>
    /// <returns>The output, then completion.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public static IObservable<JsonElement> Results(this IObservable<FalStatus> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.OfType<Completed>().Select(c => c.Result
            ?? throw new FalProtocolException($"Request {c.RequestId} completed with an empty result.") { RequestId = c.RequestId });
    }
}
