using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The reflection-based conveniences, in one place: inputs of any type (an anonymous object, a record, a dictionary)
/// serialized by reflection with fal's snake_case names, with <see cref="FileInfo"/>, <see cref="Stream"/> and
/// <c>byte[]</c> values in them uploaded to fal storage when the request starts and sent as their URLs; outputs read
/// into any type. Each calls the trimming-safe member it extends (so overriding that member mocks both), and each
/// is marked <see cref="RequiresUnreferencedCodeAttribute"/>: a trimmed or Native AOT app passes a
/// <see cref="FalInput"/> or a <see cref="System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}"/> instead.
/// </summary>
/// <remarks>
/// Being extensions, these bind only when no member of the type takes the argument: a <see cref="JsonElement"/> or
/// <see cref="System.Text.Json.Nodes.JsonNode"/> input always goes to the trimming-safe <see cref="FalInput"/> member.
/// </remarks>
public static class FalReflectionExtensions
{
    /// <inheritdoc cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c> or <c>fal-ai/flux/dev</c>.</param>
    /// <param name="input">The app's input, any object serializable to JSON; files in it are uploaded when subscribed. Null sends <c>{}</c>.</param>
    /// <param name="options">The options; copied and checked here.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static IObservable<FalStatus> Submit(this FalClient client, string appId, object? input, FalSubmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.Submit(appId, FalInput.FromObject(input), options);
    }

    /// <inheritdoc cref="FalClient.SubmitAsync(string, FalInput?, FalEnqueueOptions?, CancellationToken)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input, any object serializable to JSON; files in it are uploaded first.</param>
    /// <param name="options">The options; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the upload and the submit call.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static Task<FalRequestHandle> SubmitAsync(
        this FalClient client, string appId, object? input, FalEnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.SubmitAsync(appId, FalInput.FromObject(input), options, cancellationToken);
    }

    /// <inheritdoc cref="FalClient.SubscribeAsync(string, FalInput?, FalSubmitOptions?, Action{FalStatus}?, CancellationToken)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input, any object serializable to JSON.</param>
    /// <param name="options">The options; copied and checked here.</param>
    /// <param name="onUpdate">Called with each status as it changes, the final <see cref="Completed"/> included.</param>
    /// <param name="cancellationToken">Stops waiting and cancels the request.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static Task<JsonElement> SubscribeAsync(
        this FalClient client, string appId, object? input, FalSubmitOptions? options = null, Action<FalStatus>? onUpdate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.SubscribeAsync(appId, FalInput.FromObject(input), options, onUpdate, cancellationToken);
    }

    /// <inheritdoc cref="FalClient.RunAsync(string, FalInput?, FalRunOptions?, CancellationToken)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input, any object serializable to JSON.</param>
    /// <param name="options">The options; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static Task<FalRunResult> RunAsync(
        this FalClient client, string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.RunAsync(appId, FalInput.FromObject(input), options, cancellationToken);
    }

    /// <inheritdoc cref="FalClient.Run(string, FalInput?, FalRunOptions?, CancellationToken)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input, any object serializable to JSON.</param>
    /// <param name="options">The options; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static FalRunResult Run(this FalClient client, string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.Run(appId, FalInput.FromObject(input), options, cancellationToken);
    }

    /// <inheritdoc cref="FalClient.Stream(string, FalInput?, FalStreamOptions?)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id, e.g. <c>fal-ai/any-llm</c>.</param>
    /// <param name="input">The app's input, any object serializable to JSON.</param>
    /// <param name="options">The options; copied and checked here.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static IObservable<FalStreamEvent> Stream(this FalClient client, string appId, object? input, FalStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.Stream(appId, FalInput.FromObject(input), options);
    }

    /// <inheritdoc cref="FalClient.StreamAsync(string, FalInput?, FalStreamOptions?, CancellationToken)"/>
    /// <param name="client">The client.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input, any object serializable to JSON.</param>
    /// <param name="options">The options; copied and checked here.</param>
    /// <param name="cancellationToken">Stops the enumeration and closes the connection.</param>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static IAsyncEnumerable<FalStreamEvent> StreamAsync(
        this FalClient client, string appId, object? input, FalStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.StreamAsync(appId, FalInput.FromObject(input), options, cancellationToken);
    }

    /// <summary>Waits for the request to complete and returns its output as <typeparamref name="T"/>, read by reflection (snake_case).</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="handle">The request's handle.</param>
    /// <param name="cancellationToken">Stops waiting (not the request).</param>
    /// <returns>The output.</returns>
    /// <exception cref="FalHttpException">The request finished with an error.</exception>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static T Get<T>(this FalRequestHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return FalJson.Deserialize<T>(handle.Get(cancellationToken), options: null, handle.RequestId);
    }

    /// <inheritdoc cref="Get{T}(FalRequestHandle, CancellationToken)"/>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static async Task<T> GetAsync<T>(this FalRequestHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return FalJson.Deserialize<T>(await handle.GetAsync(cancellationToken).ConfigureAwait(false), options: null, handle.RequestId);
    }
}
