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
    /// <param name="options">Hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Cancels the call (fal cancels a direct run whose connection drops).</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error.</exception>
    [OverloadResolutionPriority(1)]
    public virtual async Task<JsonElement> RunAsync(string appId, object? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = FalAppId.Parse(appId);
        options ??= FalRunOptions.Default;
        FalOptionsValidation.Validate(options, nameof(options));
        var body = await PreparedInput.Create(input).BodyAsync(Storage, cancellationToken).ConfigureAwait(false);
        var result = await _api.RunAsync(app, body, options, cancellationToken).ConfigureAwait(false);
        return result ?? throw new FalProtocolException($"The direct run of {appId} answered with an empty body.");
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
    public virtual Task<JsonElement> RunAsync(string appId, object? input, FalSubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(appId, input, ToRunOptions(options), cancellationToken);

    /// <summary>
    /// Runs a streaming endpoint (<c>POST {run}/{app}/stream</c>) when subscribed and emits each partial
    /// output fal sends as a server-sent event; completes when fal closes the stream. Disposing the
    /// subscription closes the connection, which ends the run on fal's side.
    /// </summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/any-llm</c> (<c>/stream</c> is added unless present).</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Hint, start timeout, headers.</param>
    /// <returns>A cold observable of partial outputs.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [OverloadResolutionPriority(1)]
    public virtual IObservable<JsonElement> Stream(string appId, object? input, FalRunOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        options ??= FalRunOptions.Default;
        FalOptionsValidation.Validate(options, nameof(options));
        var prepared = PreparedInput.Create(input);
        return Observable.Create<JsonElement>(async (observer, cancellationToken) =>
        {
            _api.Transport.EnsureCredentials();
            var body = await prepared.BodyAsync(Storage, cancellationToken).ConfigureAwait(false);
            using var response = await _api.OpenStreamAsync(app, body, options, cancellationToken).ConfigureAwait(false);
            var requestId = FalErrors.RequestIdOf(response) ?? "(stream)";
            await foreach (var data in FalEventStream.ReadAsync(response, cancellationToken).ConfigureAwait(false))
            {
                if (FalWire.ParseResult(data, requestId) is { } partial)
                {
                    observer.OnNext(partial);
                }
            }

            observer.OnCompleted();
        });
    }

    /// <summary>Runs a streaming endpoint with submit options, of which only the hint, start timeout, headers (and priority, as a header) are sent.</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Submit options; the queue ones are ignored.</param>
    /// <returns>A cold observable of partial outputs.</returns>
    [Obsolete(UseRunOptions)]
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Kept for compatibility; OverloadResolutionPriority makes calls without options bind to the FalRunOptions overload.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual IObservable<JsonElement> Stream(string appId, object? input, FalSubmitOptions? options = null) =>
        Stream(appId, input, ToRunOptions(options));

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
