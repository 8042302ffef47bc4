using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Direct runs on fal's run host: <c>RunAsync</c> (fal_client's <c>run</c>) and <c>Stream</c>.</summary>
public partial class FalClient
{
    private const string UseRunOptions = "Runs honour only the hint, start timeout and headers: use the FalRunOptions overload.";

    /// <summary>Runs an app directly on fal's run host (no queue) and returns its output (fal_client's <c>run</c>).</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Cancels the call (fal cancels a direct run whose connection drops).</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error.</exception>
    /// <exception cref="FalTimeoutException"><see cref="FalRunOptions.Timeout"/> ran out.</exception>
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual async Task<JsonElement> RunAsync(string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default) =>
        (await RunWithRequestIdAsync(appId, input, options, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>
    /// Runs an app directly, as <see cref="RunAsync(string, object?, FalRunOptions?, CancellationToken)"/>, and
    /// returns its output with the request id fal gave the run (the JS client's <c>{data, requestId}</c>).
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request id and the output.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error (its <see cref="FalException.RequestId"/> set when fal sent one).</exception>
    /// <exception cref="FalTimeoutException"><see cref="FalRunOptions.Timeout"/> ran out.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual Task<FalRunResult> RunWithRequestIdAsync(string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, body, valid) = PrepareRun(appId, input, options);
        return RunCoreAsync(async: true, app, body, valid, cancellationToken).AsTask();
    }

    /// <summary>
    /// Runs an app directly with synchronous I/O (fal_client's sync <c>run</c>): blocks until the output
    /// arrives, <see cref="FalRunOptions.Timeout"/> runs out or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error.</exception>
    /// <exception cref="FalTimeoutException"><see cref="FalRunOptions.Timeout"/> ran out.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual JsonElement Run(string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, body, valid) = PrepareRun(appId, input, options);
        return RunCoreAsync(async: false, app, body, valid, cancellationToken).EnsureCompleted().Result;
    }

    /// <summary>Runs an app directly with submit options, of which only the hint, start timeout, headers (and priority, as a header) are sent.</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Submit options; the queue ones are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output JSON.</returns>
    [Obsolete(UseRunOptions)]
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Kept for compatibility; OverloadResolutionPriority makes calls without options bind to the FalRunOptions overload.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual Task<JsonElement> RunAsync(string appId, object? input, FalSubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(appId, input, ToRunOptions(options), cancellationToken);

    /// <summary>
    /// Runs a streaming endpoint (<c>POST {run}/{app}/stream</c>) when subscribed and emits each partial
    /// output fal sends as a server-sent event; completes when fal closes the stream after the final one.
    /// Disposing the subscription closes the connection, which ends the run on fal's side.
    /// </summary>
    /// <remarks>
    /// A stream that ends before its final event (broken, closed before any event, or closed after a
    /// <c>"partial": true</c> one) ends with <see cref="FalStreamEndedException"/>; an idle or whole-call
    /// limit with <see cref="FalTimeoutException"/>. <see cref="StreamEvents"/> gives each event's request id.
    /// </remarks>
    /// <param name="appId">The app id, e.g. <c>fal-ai/any-llm</c> (<c>/stream</c> is added unless present).</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, idle timeout, hint, start timeout, headers.</param>
    /// <returns>A cold observable of partial outputs.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [OverloadResolutionPriority(1)]
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual IObservable<JsonElement> Stream(string appId, object? input, FalRunOptions? options = null) =>
        StreamEvents(appId, input, options).Select(static e => e.Data);

    /// <summary>
    /// Runs a streaming endpoint as <see cref="Stream(string, object?, FalRunOptions?)"/> does, emitting each
    /// event with the run's request id (<c>x-fal-request-id</c>).
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, idle timeout, hint, start timeout, headers.</param>
    /// <returns>A cold observable of events; each subscription is its own run.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual IObservable<FalStreamEvent> StreamEvents(string appId, object? input, FalRunOptions? options = null)
    {
        var (app, body, valid) = PrepareRun(appId, input, options);
        return StreamEventsPrepared(app, valid, body);
    }

    /// <summary>
    /// Runs a streaming endpoint as an async enumerable (fal_client's <c>stream</c>, the JS client's
    /// <c>for await</c>): the run starts when enumeration starts, each event carries the request id, and
    /// leaving the loop early closes the connection, which ends the run on fal's side.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Timeout, idle timeout, hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Stops the enumeration and closes the connection.</param>
    /// <returns>The events, ending after the final one.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid (at the call).</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual IAsyncEnumerable<FalStreamEvent> StreamAsync(string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, body, valid) = PrepareRun(appId, input, options);
        return StreamCall.ReadAsync(_context, Storage, app, body, valid, cancellationToken);
    }

    /// <summary>Runs a streaming endpoint with submit options, of which only the hint, start timeout, headers (and priority, as a header) are sent.</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Submit options; the queue ones are ignored.</param>
    /// <returns>A cold observable of partial outputs.</returns>
    [Obsolete(UseRunOptions)]
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Kept for compatibility; OverloadResolutionPriority makes calls without options bind to the FalRunOptions overload.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual IObservable<JsonElement> Stream(string appId, object? input, FalSubmitOptions? options = null) =>
        Stream(appId, input, ToRunOptions(options));

    /// <summary>Checks the call (bad input throws here, before anything is sent); the input's files are uploaded when the run starts.</summary>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    private (FalAppId App, PreparedInput Input, FalRunOptions Options) PrepareRun(string appId, object? input, FalRunOptions? options)
    {
        var valid = Checked(options);
        var app = FalAppId.Parse(appId);
        return (app, PreparedInput.Create(input), valid);
    }

    // Every overload (object, JsonElement, JsonNode, typed) checks here: a disposed client refuses at the call.
    private FalRunOptions Checked(FalRunOptions? options)
    {
        _context.LiveRequests.ThrowIfClosed();
        options ??= FalRunOptions.Default;
        FalOptionsValidation.Validate(options, nameof(options));
        return options;
    }

    private Task<JsonElement> RunBodyAsync(FalAppId app, FalRunOptions options, byte[] body, CancellationToken cancellationToken) =>
        RunPreparedAsync(app, options, PreparedInput.FromBody(body), cancellationToken);

    private async Task<JsonElement> RunPreparedAsync(FalAppId app, FalRunOptions options, PreparedInput input, CancellationToken cancellationToken) =>
        (await RunCoreAsync(async: true, app, input, options, cancellationToken).ConfigureAwait(false)).Result;

    private IObservable<JsonElement> StreamBody(FalAppId app, FalRunOptions options, byte[] body) =>
        StreamEventsBody(app, options, body).Select(static e => e.Data);

    private IObservable<JsonElement> StreamPrepared(FalAppId app, FalRunOptions options, PreparedInput input) =>
        StreamEventsPrepared(app, options, input).Select(static e => e.Data);

    // The JSON and typed overloads serialize without reflection and carry no files to upload.
    private IObservable<FalStreamEvent> StreamEventsBody(FalAppId app, FalRunOptions options, byte[] body) =>
        StreamEventsPrepared(app, options, PreparedInput.FromBody(body));

    private IObservable<FalStreamEvent> StreamEventsPrepared(FalAppId app, FalRunOptions options, PreparedInput input) =>
        Observable.Create<FalStreamEvent>(async (observer, cancellationToken) =>
        {
            await foreach (var item in StreamCall.ReadAsync(_context, Storage, app, input, options, cancellationToken).ConfigureAwait(false))
            {
                observer.OnNext(item);
            }

            observer.OnCompleted();
        });

    /// <summary>The one direct run, for both APIs; its time limit on the scheduler.</summary>
    private async ValueTask<FalRunResult> RunCoreAsync(bool async, FalAppId app, PreparedInput input, FalRunOptions options, CancellationToken cancellationToken)
    {
        _context.Transport.EnsureCredentials();
        using var deadline = new CallDeadline(_context.Scheduler, options.Timeout, cancellationToken);
        try
        {
            // The input's files are uploaded within the call's time limit. An input without files has its body at once,
            // so the synchronous Run stays synchronous; with files it blocks on their upload, as fal_client's sync run does.
            var pending = input.BodyAsync(Storage, deadline.Token);
            var body = async || pending.IsCompleted ? await pending.ConfigureAwait(false) : pending.AsTask().GetAwaiter().GetResult();
            var (requestId, result) = await _context.RunHost.RunAsync(async, app, body, options.CallHeaders, deadline.Token).ConfigureAwait(false);
            return new FalRunResult(requestId, result ?? throw new FalProtocolException($"The direct run of {app.Id} answered with an empty body.") { RequestId = requestId });
        }
        catch (OperationCanceledException e) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
        {
            throw new FalTimeoutException($"The direct run of {app.Id} did not answer within {options.Timeout}: abandoned (fal ends a direct run whose connection drops).", e)
            {
                Timeout = options.Timeout!.Value,
            };
        }
    }

    /// <summary>Submit options checked as they always were (bad ones still throw at the call), then mapped to what runs send.</summary>
    private static FalRunOptions? ToRunOptions(FalSubmitOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        FalOptionsValidation.Validate(options, nameof(options));
        return FalRunOptions.From(options);
    }
}
