using System.Reactive.Linq;

namespace Fal.Reactive;

// Direct runs on fal's run host: RunAsync and Run (fal_client's run), Stream and StreamAsync (its stream).
public partial class FalClient
{
    /// <summary>
    /// Runs an app directly on fal's run host (no queue) and returns its output with the request id fal gave the
    /// run (fal_client's <c>run</c>; the JS client's <c>{data, requestId}</c>).
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">Timeout, hint, start timeout, lifecycle, headers; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the call (fal cancels a direct run whose connection drops).</param>
    /// <returns>The request id and the output.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error (its <see cref="FalException.RequestId"/> set when fal sent one).</exception>
    /// <exception cref="FalTimeoutException"><see cref="FalRunOptions.Timeout"/> ran out.</exception>
    public virtual Task<FalRunResult> RunAsync(string appId, FalInput? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, settings) = CheckRun(appId, options?.Snapshot());
        return RunCoreAsync(async: true, app, FalInput.PreparedOrEmpty(input), settings, cancellationToken).AsTask();
    }

    /// <summary>
    /// Runs an app directly with synchronous I/O (fal_client's sync <c>run</c>): blocks until the output
    /// arrives, <see cref="FalRunOptions.Timeout"/> runs out or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">Timeout, hint, start timeout, lifecycle, headers; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request id and the output.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The app answered with an error.</exception>
    /// <exception cref="FalTimeoutException"><see cref="FalRunOptions.Timeout"/> ran out.</exception>
    public virtual FalRunResult Run(string appId, FalInput? input, FalRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, settings) = CheckRun(appId, options?.Snapshot());
        return RunCoreAsync(async: false, app, FalInput.PreparedOrEmpty(input), settings, cancellationToken).EnsureCompleted();
    }

    /// <summary>
    /// Runs a streaming endpoint (<c>POST {run}/{app}/stream</c>) when subscribed and emits each partial
    /// output fal sends as a server-sent event, with the run's request id; completes when fal closes the stream
    /// after the final one. Disposing the subscription closes the connection, which ends the run on fal's side.
    /// </summary>
    /// <remarks>
    /// A stream that ends before its final event (broken, closed before any event, or closed after a
    /// <c>"partial": true</c> one) ends with <see cref="FalStreamEndedException"/>; an idle or whole-call
    /// limit with <see cref="FalTimeoutException"/>. <c>.Select(e => e.Data)</c> gives the outputs alone.
    /// </remarks>
    /// <param name="appId">The app id, e.g. <c>fal-ai/any-llm</c> (<c>/stream</c> is added unless present).</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">Timeout, idle timeout, hint, start timeout, lifecycle, headers; copied and checked here.</param>
    /// <returns>A cold observable of events; each subscription is its own run.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid (at the call).</exception>
    public virtual IObservable<FalStreamEvent> Stream(string appId, FalInput? input, FalStreamOptions? options = null)
    {
        var (app, settings) = CheckRun(appId, options?.Snapshot());
        var prepared = FalInput.PreparedOrEmpty(input);
        return Observable.Create<FalStreamEvent>(async (observer, cancellationToken) =>
        {
            await foreach (var item in StreamCall.ReadAsync(Context, Storage, app, prepared, settings, cancellationToken).ConfigureAwait(false))
            {
                observer.OnNext(item);
            }

            observer.OnCompleted();
        });
    }

    /// <summary>
    /// Runs a streaming endpoint as an async enumerable (fal_client's <c>stream</c>, the JS client's
    /// <c>for await</c>): the run starts when enumeration starts, each event carries the request id, and
    /// leaving the loop early closes the connection, which ends the run on fal's side.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">Timeout, idle timeout, hint, start timeout, lifecycle, headers; copied and checked here.</param>
    /// <param name="cancellationToken">Stops the enumeration and closes the connection.</param>
    /// <returns>The events, ending after the final one.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid (at the call).</exception>
    public virtual IAsyncEnumerable<FalStreamEvent> StreamAsync(string appId, FalInput? input, FalStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, settings) = CheckRun(appId, options?.Snapshot());
        return StreamCall.ReadAsync(Context, Storage, app, FalInput.PreparedOrEmpty(input), settings, cancellationToken);
    }

    // Every run and stream checks here, before anything is sent: a disposed client, a bad app id or option throws at the call.
    private (FalAppId App, RunSettings Settings) CheckRun(string appId, RunSettings? settings)
    {
        Context.LiveRequests.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        return (app, settings is null ? RunSettings.Default : FalOptionsValidation.Validate(settings, "options"));
    }

    /// <summary>The one direct run, for both APIs; its time limit on the scheduler.</summary>
    private async ValueTask<FalRunResult> RunCoreAsync(bool async, FalAppId app, PreparedInput input, RunSettings options, CancellationToken cancellationToken)
    {
        var context = Context;
        context.Transport.EnsureCredentials();
        using var deadline = new CallDeadline(context.Scheduler, options.Timeout, cancellationToken);
        try
        {
            // The input's files are uploaded within the call's time limit. An input without files has its body at once,
            // so the synchronous Run stays synchronous; with files it blocks on their upload, as fal_client's sync run does.
            var pending = input.BodyAsync(Storage, deadline.Token);
            var body = async || pending.IsCompleted ? await pending.ConfigureAwait(false) : pending.AsTask().GetAwaiter().GetResult();
            var (requestId, result) = await context.RunHost.RunAsync(async, app, body, options.CallHeaders, deadline.Token).ConfigureAwait(false);
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
}
