using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// The overloads trimmed and Native AOT apps call: inputs as <see cref="JsonElement"/>, <see cref="JsonNode"/>
/// or any type with source-generated metadata (<see cref="JsonTypeInfo{T}"/>), serialized without reflection.
/// Each behaves as its <c>object</c> overload.
/// </summary>
public partial class FalClient
{
    /// <inheritdoc cref="Submit(string, object?, FalSubmitOptions?)"/>
    public virtual IObservable<FalStatus> Submit(string appId, JsonElement input, FalSubmitOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        return SubmitBody(app, Checked(options), FalJson.SerializeInput(input));
    }

    /// <inheritdoc cref="Submit(string, object?, FalSubmitOptions?)"/>
    public virtual IObservable<FalStatus> Submit(string appId, JsonNode? input, FalSubmitOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        return SubmitPrepared(app, Checked(options), PreparedInput.Create(input));
    }

    /// <inheritdoc cref="Submit(string, object?, FalSubmitOptions?)"/>
    /// <typeparam name="TInput">The app's input type.</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="inputType">The input type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <param name="options">The options.</param>
    public virtual IObservable<FalStatus> Submit<TInput>(string appId, TInput input, JsonTypeInfo<TInput> inputType, FalSubmitOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        ArgumentNullException.ThrowIfNull(inputType);
        return SubmitBody(app, Checked(options), FalJson.SerializeInput(input, inputType));
    }

    /// <inheritdoc cref="SubmitAsync(string, object?, FalSubmitOptions?, CancellationToken)"/>
    public virtual Task<FalRequestHandle> SubmitAsync(string appId, JsonElement input, FalSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        return SubmitBodyAsync(app, Checked(options), FalJson.SerializeInput(input), cancellationToken);
    }

    /// <inheritdoc cref="SubmitAsync(string, object?, FalSubmitOptions?, CancellationToken)"/>
    public virtual Task<FalRequestHandle> SubmitAsync(string appId, JsonNode? input, FalSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        return SubmitPreparedAsync(app, Checked(options), PreparedInput.Create(input), cancellationToken);
    }

    /// <inheritdoc cref="SubmitAsync(string, object?, FalSubmitOptions?, CancellationToken)"/>
    /// <typeparam name="TInput">The app's input type.</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="inputType">The input type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<FalRequestHandle> SubmitAsync<TInput>(
        string appId, TInput input, JsonTypeInfo<TInput> inputType, FalSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        ArgumentNullException.ThrowIfNull(inputType);
        return SubmitBodyAsync(app, Checked(options), FalJson.SerializeInput(input, inputType), cancellationToken);
    }

    /// <inheritdoc cref="SubscribeAsync(string, object?, FalSubmitOptions?, Action{FalStatus}?, CancellationToken)"/>
    public virtual Task<JsonElement> SubscribeAsync(
        string appId, JsonElement input, FalSubmitOptions? options = null, Action<FalStatus>? onUpdate = null, CancellationToken cancellationToken = default) =>
        WaitForOutputAsync(Submit(appId, input, options), onUpdate, cancellationToken);

    /// <inheritdoc cref="SubscribeAsync(string, object?, FalSubmitOptions?, Action{FalStatus}?, CancellationToken)"/>
    public virtual Task<JsonElement> SubscribeAsync(
        string appId, JsonNode? input, FalSubmitOptions? options = null, Action<FalStatus>? onUpdate = null, CancellationToken cancellationToken = default) =>
        WaitForOutputAsync(Submit(appId, input, options), onUpdate, cancellationToken);

    /// <inheritdoc cref="SubscribeAsync(string, object?, FalSubmitOptions?, Action{FalStatus}?, CancellationToken)"/>
    /// <typeparam name="TInput">The app's input type.</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="inputType">The input type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <param name="options">The options.</param>
    /// <param name="onUpdate">Called with each status (on change).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<JsonElement> SubscribeAsync<TInput>(
        string appId,
        TInput input,
        JsonTypeInfo<TInput> inputType,
        FalSubmitOptions? options = null,
        Action<FalStatus>? onUpdate = null,
        CancellationToken cancellationToken = default) =>
        WaitForOutputAsync(Submit(appId, input, inputType, options), onUpdate, cancellationToken);

    /// <inheritdoc cref="RunAsync(string, object?, FalRunOptions?, CancellationToken)"/>
    [OverloadResolutionPriority(1)]
    public virtual Task<JsonElement> RunAsync(string appId, JsonElement input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        return RunBodyAsync(app, Checked(options), FalJson.SerializeInput(input), cancellationToken);
    }

    /// <inheritdoc cref="RunAsync(string, object?, FalRunOptions?, CancellationToken)"/>
    [OverloadResolutionPriority(1)]
    public virtual Task<JsonElement> RunAsync(string appId, JsonNode? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        return RunPreparedAsync(app, Checked(options), PreparedInput.Create(input), cancellationToken);
    }

    /// <inheritdoc cref="RunAsync(string, object?, FalRunOptions?, CancellationToken)"/>
    /// <typeparam name="TInput">The app's input type.</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="inputType">The input type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [OverloadResolutionPriority(1)]
    public virtual Task<JsonElement> RunAsync<TInput>(
        string appId, TInput input, JsonTypeInfo<TInput> inputType, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        ArgumentNullException.ThrowIfNull(inputType);
        return RunBodyAsync(app, Checked(options), FalJson.SerializeInput(input, inputType), cancellationToken);
    }

    /// <inheritdoc cref="Stream(string, object?, FalRunOptions?)"/>
    [OverloadResolutionPriority(1)]
    public virtual IObservable<JsonElement> Stream(string appId, JsonElement input, FalRunOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        return StreamBody(app, Checked(options), FalJson.SerializeInput(input));
    }

    /// <inheritdoc cref="Stream(string, object?, FalRunOptions?)"/>
    [OverloadResolutionPriority(1)]
    public virtual IObservable<JsonElement> Stream(string appId, JsonNode? input, FalRunOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        return StreamPrepared(app, Checked(options), PreparedInput.Create(input));
    }

    /// <inheritdoc cref="Stream(string, object?, FalRunOptions?)"/>
    /// <typeparam name="TInput">The app's input type.</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="inputType">The input type's metadata, e.g. <c>MyJsonContext.Default.MyInput</c>.</param>
    /// <param name="options">The options.</param>
    [OverloadResolutionPriority(1)]
    public virtual IObservable<JsonElement> Stream<TInput>(string appId, TInput input, JsonTypeInfo<TInput> inputType, FalRunOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        ArgumentNullException.ThrowIfNull(inputType);
        return StreamBody(app, Checked(options), FalJson.SerializeInput(input, inputType));
    }
}
