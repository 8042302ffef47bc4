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
    private readonly FalClientContext _context;
    private readonly FalAppId _app;
    private readonly FalRequestUrls _urls;

    internal FalRequestHandle(FalClientContext context, FalAppId app, string requestId, FalRequestUrls urls)
    {
        _context = context;
        _app = app;
        RequestId = requestId;
        _urls = urls;
    }

    /// <summary>For mocking.</summary>
    protected FalRequestHandle()
    {
        _context = null!;
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
        Live.StatusAsync(async: false, _urls, RequestId, withLogs, _context.Scheduler, cancellationToken).EnsureCompleted();

    /// <inheritdoc cref="Status"/>
    public virtual async Task<FalStatus> StatusAsync(bool withLogs = false, CancellationToken cancellationToken = default) =>
        await Live.StatusAsync(async: true, _urls, RequestId, withLogs, _context.Scheduler, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Watches the request: asks its status at once, then every <paramref name="interval"/> after each
    /// answer, emitting on change, and ends after <see cref="Completed"/> (which carries the result). An
    /// error result ends it with <see cref="FalHttpException"/>. Disposing the subscription stops watching;
    /// it does <em>not</em> cancel the request. Subscribers watching the same request the same way through the
    /// same client (same logs flag, interval, scheduler and status mode) share one poll loop, and one arriving late
    /// gets the latest status at once; the loop stops when the last one leaves.
    /// </summary>
    /// <remarks>
    /// With <see cref="FalStatusMode.Streaming"/> the statuses come from fal's server-sent status stream (one
    /// long-lived call; the logs accumulated as polling reports them), falling back to polling when the stream
    /// closes before COMPLETED.
    /// </remarks>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="scheduler">The scheduler the waits go through; default the client's.</param>
    /// <param name="statusMode">Polling (the default) or fal's status stream.</param>
    /// <returns>An observable of the request's statuses, its poll loop shared by its concurrent subscribers.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusMode"/> or <paramref name="interval"/> is invalid.</exception>
    public virtual IObservable<FalStatus> Events(bool withLogs = false, TimeSpan? interval = null, IScheduler? scheduler = null, FalStatusMode statusMode = FalStatusMode.Polling)
    {
        if (!Enum.IsDefined(statusMode))
        {
            throw new ArgumentOutOfRangeException(nameof(statusMode), statusMode, "StatusMode must be FalStatusMode.Polling or FalStatusMode.Streaming.");
        }

        var wait = Interval(interval);
        var on = scheduler ?? _context.Scheduler;
        return _context.SharedWatches.Watch(
            RequestId, withLogs, wait, on, statusMode, () => RequestSubscription.Watch(_context, _urls, RequestId, withLogs, wait, on, statusMode));
    }

    /// <summary>
    /// The request's status at every poll, as a blocking enumerable (fal_client's <c>iter_events</c>): asks
    /// at once, then every <paramref name="interval"/> after each answer, and yields each poll's status, also
    /// when nothing changed, so a loop can check a deadline at each one. Each poll is a synchronous HTTP
    /// call and each wait blocks on the client's scheduler. (<see cref="Events"/> emits on change instead.)
    /// </summary>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="cancellationToken">Stops the enumeration (not the request).</param>
    /// <returns>One status per poll, ending with <see cref="Completed"/> (which carries the result).</returns>
    public virtual IEnumerable<FalStatus> IterEvents(bool withLogs = false, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var wait = Interval(interval);
        return Iterate();

        IEnumerable<FalStatus> Iterate()
        {
            using var poller = NewPoller(withLogs, wait, _context.Scheduler);
            FalStatus status;
            do
            {
                status = poller.NextAsync(async: false, cancellationToken).EnsureCompleted();
                yield return status;
            }
            while (status is not Completed);
        }
    }

    /// <summary>
    /// The request's status at every poll, as an async enumerable (fal_client's async <c>iter_events</c>),
    /// as <see cref="IterEvents"/> yields them.
    /// </summary>
    /// <param name="withLogs">Include the runner's logs.</param>
    /// <param name="interval">The poll interval; default the client's (100 ms unless configured).</param>
    /// <param name="cancellationToken">Stops the enumeration (not the request).</param>
    /// <returns>One status per poll, ending with <see cref="Completed"/> (which carries the result).</returns>
    public virtual IAsyncEnumerable<FalStatus> IterEventsAsync(bool withLogs = false, TimeSpan? interval = null, CancellationToken cancellationToken = default) =>
        IterateAsync(withLogs, Interval(interval), cancellationToken);

    /// <summary>
    /// Cancels the request: a queued request is removed, a running one is asked to stop. Cancelling a
    /// request that already completed is not an error.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FalHttpException">fal answered with an error (404 for an unknown request).</exception>
    public virtual void Cancel(CancellationToken cancellationToken = default) =>
        Live.CancelAsync(async: false, _urls, RequestId, _context.Scheduler, cancellationToken).EnsureCompleted();

    /// <inheritdoc cref="Cancel"/>
    public virtual async Task CancelAsync(CancellationToken cancellationToken = default) =>
        await Live.CancelAsync(async: true, _urls, RequestId, _context.Scheduler, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits for the request to complete (polling at the client's interval) and returns its output.</summary>
    /// <param name="cancellationToken">Stops waiting (not the request).</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="FalHttpException">The request finished with an error (its status code, detail and field errors).</exception>
    public virtual JsonElement Get(CancellationToken cancellationToken = default) =>
        ResultOf((Completed)IterEvents(cancellationToken: cancellationToken).Last());

    /// <inheritdoc cref="Get"/>
    public virtual async Task<JsonElement> GetAsync(CancellationToken cancellationToken = default)
    {
        Completed? last = null;
        await foreach (var status in IterateAsync(withLogs: false, Live.Options.PollInterval, cancellationToken).ConfigureAwait(false))
        {
            last = status as Completed;
        }

        return ResultOf(last!);
    }

    /// <summary>Describes the handle.</summary>
    /// <returns>The app and request id.</returns>
    public override string ToString() => $"FalRequestHandle({AppId}, {RequestId})";

    private async IAsyncEnumerable<FalStatus> IterateAsync(bool withLogs, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var poller = NewPoller(withLogs, interval, _context.Scheduler);
        FalStatus status;
        do
        {
            status = await poller.NextAsync(async: true, cancellationToken).ConfigureAwait(false);
            yield return status;
        }
        while (status is not Completed);
    }

    /// <summary>The queue, for a call on the handle: refused with <see cref="ObjectDisposedException"/> once its client is disposed.</summary>
    private QueueEndpoint Live
    {
        get
        {
            _context.LiveRequests.ThrowIfClosed();
            return _context.Queue;
        }
    }

    private StatusPoller NewPoller(bool withLogs, TimeSpan interval, IScheduler scheduler) =>
        new(_context.Queue, _urls, RequestId, withLogs, interval, scheduler, askAtOnce: true);

    private JsonElement ResultOf(Completed completed) =>
        completed.Result ?? throw new FalProtocolException($"Request {RequestId} completed with an empty result.") { RequestId = RequestId };

    /// <summary>The poll interval of a watch or iteration, checked at the call (as is the client's state).</summary>
    private TimeSpan Interval(TimeSpan? interval)
    {
        var api = Live;
        return interval is { } value ? FalOptionsValidation.PollInterval(value, nameof(interval)) : api.Options.PollInterval;
    }
}
