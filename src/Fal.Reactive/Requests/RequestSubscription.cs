using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// One subscription to a request's statuses, its whole story in this file (Rx's Producer/Sink style: the two
/// producers below make one of these per subscription; <see cref="Sink{T}"/> keeps the observer grammar).
/// </summary>
/// <remarks>
/// <para>The story: <see cref="RunAsync"/> (1) submits the request, unless it only watches one submitted before;
/// (2) follows it, by the server-sent status stream when asked (falling back to polling when the stream fails,
/// closes early or goes silent) or by polling, emitting each status that is news; (3) fetches the result and
/// ends with the <see cref="Completed"/> that carries it; or ends with the error. (4) Its exit path, however it
/// ends, cancels on fal a request it submitted and fal has not finished (a watch never cancels).</para>
/// <para>Disposal mutes the sink and cancels the token; the work then leaves through the exit path (so disposal
/// during the submit POST, during a poll or between polls all end with PUT cancel_url), and
/// <see cref="FalClient.DisposeAsync"/> waits for that work (<see cref="PendingCancellations"/>). A client's
/// disposal ends the subscription with <see cref="FalClientDisposedException"/> carrying the request id
/// (<see cref="EndByClient"/>). An exception the observer throws is not a failure of the request: it surfaces
/// on the scheduler (as Rx does for scheduled work) after the exit path has run.</para>
/// </remarks>
internal sealed class RequestSubscription : Sink<FalStatus>
{
    private static int s_lastNumber;
    private readonly FalClientContext _context;
    private readonly SubmitRequest? _submit;
    private readonly FalStatusMode _mode;
    private readonly bool _withLogs;
    private readonly FalRequestTelemetry? _telemetry;
    private readonly CancellationTokenSource _stop = new();
    private StatusPoller? _poller;
    private Task? _work;
    private volatile bool _endedByClient;
    private volatile bool _delivered;
    private StatusChangeTracker _tracker;

    private RequestSubscription(FalClientContext context, IObserver<FalStatus> observer, IScheduler scheduler, FalStatusMode mode, bool withLogs, SubmitRequest? submit)
        : base(observer)
    {
        _context = context;
        Scheduler = scheduler;
        _mode = mode;
        _withLogs = withLogs;
        _submit = submit;
        // Only a request this subscription submits is its own to trace.
        _telemetry = submit is null ? null : context.Diagnostics.ForRequest(submit.App, scheduler);
    }

    /// <summary>A number unique among the subscriptions alive at once (<see cref="LiveRequests"/> hashes by it).</summary>
    public int Number { get; } = Interlocked.Increment(ref s_lastNumber);

    /// <summary>The scheduler every wait of this subscription goes through.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The exits of the subscriptions whose observer call is on this thread's stack: waiting for them here would wait for ourselves.</summary>
    public static IEnumerable<Task> ExitsBlockedByThisThread() =>
        CallingOnThisThread is { Count: > 0 } calling
            ? [.. calling.OfType<RequestSubscription>().Select(s => Volatile.Read(ref s._work)).OfType<Task>()]
            : [];

    /// <summary>A cold observable: each subscription submits its own request and follows it.</summary>
    public static IObservable<FalStatus> Submit(FalClientContext context, FalAppId app, PreparedInput input, FalStorage storage, SubmitSettings options) =>
        new SubmitRequest(context, app, input, storage, options);

    /// <summary>A cold observable: each subscription follows a request submitted before, and leaves it running when disposed.</summary>
    public static IObservable<FalStatus> Watch(
        FalClientContext context, FalRequestUrls urls, string requestId, bool withLogs, TimeSpan interval, IScheduler scheduler, FalStatusMode mode) =>
        new WatchRequest(context, urls, requestId, withLogs, interval, scheduler, mode);

    /// <summary>
    /// Ends the subscription because its client is being disposed: as a disposal (the exit path cancels the
    /// request), and the observer gets one <see cref="FalClientDisposedException"/>: at once when the request id
    /// is known, else once the submit in flight has answered. The task is the exit path's.
    /// </summary>
    public Task EndByClient()
    {
        _endedByClient = true;
        InlineContinuations.Run(_stop, static s => s.Cancel());
        if (_poller is not null)
        {
            // Not after the cancel: a stalled server must not keep the subscriber waiting for its error.
            ReportClientDisposal();
        }

        return Volatile.Read(ref _work) ?? Task.CompletedTask;
    }

    /// <summary>Stops the work (the sink is already muted); its exit path, and so a server-side cancel, runs inline where the I/O allows.</summary>
    protected override void Dispose(bool disposing)
    {
        InlineContinuations.Run(_stop, static s => s.Cancel());
        if (_submit is not null && !_delivered && Volatile.Read(ref _work) is { IsCompleted: false } work)
        {
            // Still learning the request id or sending the cancel: FalClient.DisposeAsync waits for it. (Not after
            // the result was delivered: fal has finished the request, so there is nothing to cancel; Rx operators
            // downstream dispose inside OnCompleted, and every completed request would be tracked for nothing.)
            _context.PendingCancellations.Track(work);
        }
    }

    /// <summary>Starts the work. It catches everything, so its task never faults, observed or not.</summary>
    private RequestSubscription Start()
    {
        if (!_context.LiveRequests.TryAdd(this))
        {
            ForwardOnError(new ObjectDisposedException(nameof(FalClient)));
            return this;
        }

        Volatile.Write(ref _work, RunAsync());
        return this;
    }

    /// <summary>The story: submit (unless watching), follow, deliver the result or the error, exit.</summary>
    private async Task RunAsync()
    {
        var token = _stop.Token;
        _telemetry?.Start();
        try
        {
            var poller = _submit is { } submit ? await SubmitAsync(submit, token).ConfigureAwait(false) : _poller!;
            if (!token.IsCancellationRequested && await FollowAsync(poller, token).ConfigureAwait(false) is { } completed && !IsMuted)
            {
                // One terminal notification: the result, unless the client's disposal error went first.
                _telemetry?.Completed(completed);
                _delivered = true;
                ForwardLast(completed);
            }
        }
        catch (Exception) when (token.IsCancellationRequested || ObserverFault is not null)
        {
            // Disposed: whatever the interrupted call threw has no one to go to. (An exception the observer
            // threw is kept by the sink and surfaces below.)
        }
        catch (Exception e)
        {
            _telemetry?.Failed(e);
            ForwardError(e);
        }
        finally
        {
            await ExitAsync().ConfigureAwait(false);
            _telemetry?.End();
            _context.LiveRequests.Remove(this);
            ReportClientDisposal();
            if (ObserverFault is { } fault)
            {
                // As Rx does for an observer that throws in scheduled work: the exception surfaces on the
                // scheduler (a TestScheduler rethrows it from AdvanceBy), after the exit path ran.
                Scheduler.Schedule(fault, static (_, f) =>
                {
                    f.Throw();
                    return Disposable.Empty;
                });
            }
        }
    }

    /// <summary>(1) Submits the request; the poller that follows it, which knows its id and URLs.</summary>
    private async ValueTask<StatusPoller> SubmitAsync(SubmitRequest submit, CancellationToken token)
    {
        var options = submit.Options;
        _context.Transport.EnsureCredentials();
        // Files in the input are uploaded first; disposal stops that (nothing is submitted yet, nothing to cancel).
        var input = await submit.Input.BodyAsync(submit.Storage, token).ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
        // Not cancelled by disposal: if the server accepts the request we must learn its id to cancel it.
        var answer = await _context.Queue.SubmitAsync(submit.App, input, options.WebhookUrl, options.CallHeaders, options.Scheduler, CancellationToken.None, _telemetry).ConfigureAwait(false);
        _telemetry?.Submitted(answer.RequestId, answer.QueuePosition);
        // After a submit the first poll waits, as every later one does; a fallback from the stream asks at once.
        var poller = new StatusPoller(
            _context.Queue,
            _context.Queue.UrlsOf(submit.App, answer),
            answer.RequestId,
            _withLogs,
            options.PollInterval ?? _context.Options.PollInterval,
            Scheduler,
            askAtOnce: _mode == FalStatusMode.Streaming,
            options.AdaptivePolling,
            _telemetry);
        _poller = poller;
        // At once, before any status: the id is what a caller needs to find the request again (fal_client's on_enqueue).
        // An exception it throws fails the request, whose exit path then cancels it on the server.
        options.OnEnqueue?.Invoke(answer.RequestId);
        if (answer.QueuePosition is { } position && !token.IsCancellationRequested)
        {
            EmitIfChanged(new Queued(answer.RequestId, position), token);
        }

        return poller;
    }

    /// <summary>(2, 3) Follows the request until COMPLETED and fetches its result; null when the observer left on a status.</summary>
    private async Task<Completed?> FollowAsync(StatusPoller poller, CancellationToken token)
    {
        // Streaming falls back to polling when the stream closes before COMPLETED.
        if (_mode == FalStatusMode.Streaming && await FollowStatusStreamAsync(poller, token).ConfigureAwait(false) is { } streamed)
        {
            return await poller.WithResultAsync(async: true, streamed, token).ConfigureAwait(false);
        }

        return token.IsCancellationRequested ? null : await PollAsync(poller, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Follows the server-sent status stream until COMPLETED (returned without its result). Null when the stream
    /// failed, closed early or went silent (the caller polls instead), or the observer left on a status. Also null at
    /// once when the client has as many streams open as it allows (half its connection cap): the request polls.
    /// </summary>
    private async Task<Completed?> FollowStatusStreamAsync(StatusPoller poller, CancellationToken token)
    {
        if (!_context.StatusStreams.TryEnter())
        {
            return null;
        }

        try
        {
            await foreach (var status in _context.Queue.ReadStatusStreamAsync(poller.Urls, poller.RequestId, _withLogs, Scheduler, _telemetry, token).ConfigureAwait(false))
            {
                if (status is Completed completed)
                {
                    return completed;
                }

                if (!EmitIfChanged(status, token))
                {
                    return null;
                }
            }

            return null;
        }
        catch (Exception e) when (!token.IsCancellationRequested && ObserverFault is null && e is HttpRequestException or IOException or FalHttpException or FalTimeoutException)
        {
            // The stream failed to open, broke or went silent past its idle timeout: polling, with its
            // retries and typed errors, takes over.
            return null;
        }
        finally
        {
            _context.StatusStreams.Exit();
        }
    }

    /// <summary>Polls until COMPLETED (which the poller returns with its result); null when the observer left on a status.</summary>
    private async Task<Completed?> PollAsync(StatusPoller poller, CancellationToken token)
    {
        while (true)
        {
            var status = await poller.NextAsync(async: true, token).ConfigureAwait(false);
            if (status is Completed completed)
            {
                return completed;
            }

            if (!EmitIfChanged(status, token))
            {
                return null;
            }
        }
    }

    /// <summary>Emits a status that is news; false when the observer disposed the subscription.</summary>
    private bool EmitIfChanged(FalStatus status, CancellationToken token)
    {
        if (_tracker.Changed(status))
        {
            _telemetry?.StatusChanged(status);
            // A request its client ended reports only the disposal error.
            if (!_endedByClient)
            {
                ForwardOnNext(status);
            }
        }

        return !token.IsCancellationRequested;
    }

    /// <summary>(4) The exit path, however the subscription ended: the one place a cancel is sent.</summary>
    private async Task ExitAsync()
    {
        // No more polls: the loop's reused attempt deadline is released (the cancel below has one of its own).
        _poller?.Dispose();
        if (_submit is null || _poller is not { ServerDone: false } poller)
        {
            return;
        }

        try
        {
            // Retried on transient failures by the transport; never thrown at the (gone) observer.
            await _context.Queue.CancelAsync(async: true, poller.Urls, poller.RequestId, Scheduler, CancellationToken.None, _telemetry).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed best-effort cancel has nowhere to go but the log: the subscriber is gone.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _context.Diagnostics.CancelFailed(poller.RequestId, e);
        }
    }

    /// <summary>After the exit path (so the error can say the request was cancelled): one error for a subscription its client ended.</summary>
    private void ReportClientDisposal()
    {
        if (_endedByClient && ObserverFault is null)
        {
            // The sink refuses it after the subscriber's own disposal or another terminal notification.
            ForwardError(ClientDisposedError(_poller?.RequestId));
        }
    }

    /// <summary>Forwards the error; an exception the observer throws is kept by the sink (it surfaces on the scheduler).</summary>
    private void ForwardError(Exception error)
    {
        try
        {
            ForwardOnError(error);
        }
        catch (Exception) when (ObserverFault is not null)
        {
        }
    }

    private FalClientDisposedException ClientDisposedError(string? requestId) =>
        new(_submit is null
            ? $"The FalClient was disposed while request {requestId} was watched; watching stopped and the request was left running on fal."
            : requestId is null
                ? "The FalClient was disposed while a submit was in flight and fal never answered it: no request id is known, so none could be cancelled."
                : _poller?.ServerDone == true
                    ? $"The FalClient was disposed while fetching the result of request {requestId}, which had completed on fal."
                    : $"The FalClient was disposed while request {requestId} was in flight: a cancel was sent to fal.")
        {
            RequestId = requestId,
        };

    /// <summary><see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/>'s observable: what each subscription submits.</summary>
    private sealed class SubmitRequest(FalClientContext context, FalAppId app, PreparedInput input, FalStorage storage, SubmitSettings options) : IObservable<FalStatus>
    {
        public FalAppId App => app;

        public PreparedInput Input => input;

        public FalStorage Storage => storage;

        public SubmitSettings Options => options;

        public IDisposable Subscribe(IObserver<FalStatus> observer) =>
            new RequestSubscription(context, observer, options.Scheduler ?? context.Scheduler, options.StatusMode, options.WithLogs, this).Start();
    }

    /// <summary><see cref="FalRequestHandle.Events(bool, TimeSpan?, IScheduler?, FalStatusMode)"/>'s observable: each subscription polls (or streams) with a poller of its own, asking at once.</summary>
    private sealed class WatchRequest(FalClientContext context, FalRequestUrls urls, string requestId, bool withLogs, TimeSpan interval, IScheduler scheduler, FalStatusMode mode)
        : IObservable<FalStatus>
    {
        public IDisposable Subscribe(IObserver<FalStatus> observer) =>
            new RequestSubscription(context, observer, scheduler, mode, withLogs, submit: null)
            {
                _poller = new StatusPoller(context.Queue, urls, requestId, withLogs, interval, scheduler, askAtOnce: true),
            }.Start();
    }

    /// <summary>
    /// Decides which statuses are news: a change of kind, of queue position or of log count.
    /// <see cref="Completed"/> is always news, so it is not asked here.
    /// </summary>
    private struct StatusChangeTracker
    {
        private Type? _kind;
        private int _position;
        private long _logCount;

        public bool Changed(FalStatus status)
        {
            var kind = status.GetType();
            var position = status is Queued queued ? queued.Position : -1;
            var logCount = status switch
            {
                // Counted with the entries left out: once MaxLogLines are kept, a new line keeps the count but is news.
                InProgress p => p.OmittedLogCount + (long)(p.Logs?.Count ?? 0),
                Completed c => c.OmittedLogCount + (long)(c.Logs?.Count ?? 0),
                _ => 0,
            };

            if (kind == _kind && position == _position && logCount == _logCount)
            {
                return false;
            }

            (_kind, _position, _logCount) = (kind, position, logCount);
            return true;
        }
    }
}
