using System.Diagnostics.CodeAnalysis;
using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// A submitted request, with the semantics of fal_client's request handles: ask its status, watch its
/// events, cancel it, get its result. Sync methods do synchronous I/O; async ones take a
/// <see cref="CancellationToken"/> that cancels the call (not the request: use <see cref="CancelAsync"/>).
/// </summary>
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Get mirrors fal_client's handle.get(); the name is part of the promised API.")]
public class FalRequestHandle
{
    private readonly FalPipeline _pipeline;
    private readonly FalAppId _app;
    private readonly FalRequestUrls _urls;

    internal FalRequestHandle(FalPipeline pipeline, FalAppId app, string requestId, FalRequestUrls urls)
    {
        _pipeline = pipeline;
        _app = app;
        RequestId = requestId;
        _urls = urls;
    }

    /// <summary>For mocking.</summary>
    protected FalRequestHandle()
    {
        _pipeline = null!;
        _app = null!;
        _urls = null!;
        RequestId = string.Empty;
    }

    /// <summary>The id fal gave the request.</summary>
    public string RequestId { get; }

    /// <summary>The app id the request was submitted to.</summary>
    public string AppId => _app.Id;

    /// <summary>
    /// A handle for a request submitted elsewhere (another process, two days ago): its status, result and
    /// cancel URLs are fal's documented <c>{queue}/{owner}/{alias}/requests/{id}</c>.
    /// </summary>
    /// <param name="client">The client whose key and hosts to use.</param>
    /// <param name="appId">The app id the request was submitted to (any sub-path is ignored for these URLs).</param>
    /// <param name="requestId">The request id.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> is not a valid app id, or <paramref name="requestId"/> is empty.</exception>
    public static FalRequestHandle FromRequestId(FalClient client, string appId, string requestId)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetHandle(appId, requestId);
    }

    /// <summary>Asks fal for the request's status once.</summary>
    /// <param name="withLogs">Include the runner's logs (all of them so far).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="Queued"/>, <see cref="InProgress"/> or <see cref="Completed"/> (without the result).</returns>
    /// <exception cref="FalHttpException">fal answered with an error (404 for an unknown request).</exception>
    /// <exception cref="FalProtocolException">fal's answer is malformed.</exception>
    public virtual FalStatus Status(bool withLogs = false, CancellationToken cancellationToken = default) =>
        _pipeline.StatusAsync(async: false, _urls, RequestId, withLogs, _pipeline.Scheduler, cancellationToken).EnsureCompleted();

    /// <inheritdoc cref="Status"/>
    public virtual async Task<FalStatus> StatusAsync(bool withLogs = false, CancellationToken cancellationToken = default) =>
        await _pipeline.StatusAsync(async: true, _urls, RequestId, withLogs, _pipeline.Scheduler, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Watches the request: asks its status at once, then every <paramref name="interval"/> after each
    /// answer, emitting on change, and ends after <see cref="Completed"/> (which carries the result). An
    /// error result ends it with <see cref="FalHttpException"/>. Disposing the subscription stops watching;
    /// it does <em>not</em> cancel the request.
    /// </summary>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="scheduler">The scheduler the waits go through; default the client's.</param>
    /// <returns>A cold observable of the request's statuses.</returns>
    public virtual IObservable<FalStatus> Events(bool withLogs = false, TimeSpan? interval = null, IScheduler? scheduler = null) =>
        RequestRun.Watch(_pipeline, _app, RequestId, _urls, withLogs, CheckInterval(interval), scheduler ?? _pipeline.Scheduler);

    /// <summary>
    /// The statuses of <see cref="Events"/> as a blocking enumerable (fal_client's <c>iter_events</c>): each
    /// poll is a synchronous HTTP call and each wait blocks on the client's scheduler.
    /// </summary>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="cancellationToken">Stops the enumeration (not the request).</param>
    /// <returns>The statuses, on change, ending with <see cref="Completed"/>.</returns>
    public virtual IEnumerable<FalStatus> IterEvents(bool withLogs = false, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var wait = CheckInterval(interval);
        return Iterate();

        IEnumerable<FalStatus> Iterate()
        {
            var tracker = new StatusChangeTracker();
            while (true)
            {
                var status = Status(withLogs, cancellationToken);
                if (status is Completed completed)
                {
                    yield return completed with { Result = _pipeline.ResultAsync(async: false, _urls, RequestId, _pipeline.Scheduler, cancellationToken).EnsureCompleted() };
                    yield break;
                }

                if (tracker.Changed(status))
                {
                    yield return status;
                }

                SchedulerDelay.Wait(_pipeline.Scheduler, wait, cancellationToken);
            }
        }
    }

    /// <summary>The statuses of <see cref="Events"/> as an async enumerable (fal_client's async <c>iter_events</c>).</summary>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="cancellationToken">Stops the enumeration (not the request).</param>
    /// <returns>The statuses, on change, ending with <see cref="Completed"/>.</returns>
    public virtual IAsyncEnumerable<FalStatus> IterEventsAsync(bool withLogs = false, TimeSpan? interval = null, CancellationToken cancellationToken = default) =>
        IterateAsync(withLogs, CheckInterval(interval), cancellationToken);

    /// <summary>
    /// Cancels the request: a queued request is removed, a running one is asked to stop. Cancelling a
    /// request that already completed is not an error.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FalHttpException">fal answered with an error (404 for an unknown request).</exception>
    public virtual void Cancel(CancellationToken cancellationToken = default) =>
        _pipeline.CancelAsync(async: false, _urls, RequestId, _pipeline.Scheduler, cancellationToken).EnsureCompleted();

    /// <inheritdoc cref="Cancel"/>
    public virtual async Task CancelAsync(CancellationToken cancellationToken = default) =>
        await _pipeline.CancelAsync(async: true, _urls, RequestId, _pipeline.Scheduler, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits for the request to complete (polling at the client's interval) and returns its output.</summary>
    /// <param name="cancellationToken">Stops waiting (not the request).</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="FalHttpException">The request finished with an error (its status code, detail and field errors).</exception>
    public virtual JsonElement Get(CancellationToken cancellationToken = default) =>
        ResultOf((Completed)IterEvents(cancellationToken: cancellationToken).Last());

    /// <summary>Waits for the request to complete and returns its output as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="cancellationToken">Stops waiting (not the request).</param>
    /// <returns>The output.</returns>
    /// <exception cref="FalHttpException">The request finished with an error.</exception>
    public virtual T Get<T>(CancellationToken cancellationToken = default) =>
        FalJson.Deserialize<T>(Get(cancellationToken), options: null, RequestId);

    /// <inheritdoc cref="Get"/>
    public virtual async Task<JsonElement> GetAsync(CancellationToken cancellationToken = default)
    {
        Completed? last = null;
        await foreach (var status in IterateAsync(withLogs: false, _pipeline.Options.PollInterval, cancellationToken).ConfigureAwait(false))
        {
            last = status as Completed;
        }

        return ResultOf(last!);
    }

    /// <inheritdoc cref="Get{T}"/>
    public virtual async Task<T> GetAsync<T>(CancellationToken cancellationToken = default) =>
        FalJson.Deserialize<T>(await GetAsync(cancellationToken).ConfigureAwait(false), options: null, RequestId);

    /// <summary>Describes the handle.</summary>
    /// <returns>The app and request id.</returns>
    public override string ToString() => $"FalRequestHandle({AppId}, {RequestId})";

    private async IAsyncEnumerable<FalStatus> IterateAsync(bool withLogs, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tracker = new StatusChangeTracker();
        while (true)
        {
            var status = await StatusAsync(withLogs, cancellationToken).ConfigureAwait(false);
            if (status is Completed completed)
            {
                var result = await _pipeline.ResultAsync(async: true, _urls, RequestId, _pipeline.Scheduler, cancellationToken).ConfigureAwait(false);
                yield return completed with { Result = result };
                yield break;
            }

            if (tracker.Changed(status))
            {
                yield return status;
            }

            await SchedulerDelay.Delay(_pipeline.Scheduler, interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private JsonElement ResultOf(Completed completed) =>
        completed.Result ?? throw new FalProtocolException($"Request {RequestId} completed with an empty result.") { RequestId = RequestId };

    private TimeSpan CheckInterval(TimeSpan? interval)
    {
        if (interval is { } value && value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), value, "The poll interval must be positive.");
        }

        return interval ?? _pipeline.Options.PollInterval;
    }
}
