using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Runtime.ExceptionServices;

namespace Fal.Reactive;

/// <summary>
/// One subscription that reports a request's statuses to its observer: emits each status that is news,
/// then the <see cref="Completed"/> with the result, then completes; or ends with the error. What it
/// follows (a submit then polls or the status stream, or only polls) is the subclass's.
/// </summary>
/// <remarks>
/// Disposal cancels the token; the run then leaves through <see cref="OnExitAsync"/>, the one place a
/// subclass cleans up on the server. An exception the observer throws is not a failure of the request: it
/// surfaces on the scheduler (as Rx does for scheduled work), after the exit path has run.
/// </remarks>
internal abstract class RequestRun : IDisposable
{
    private static int s_lastNumber;

    // The runs whose observer call is on this thread's stack, innermost last. Code that runs inside such a call
    // (a subscriber's callback, or the continuation of an awaited request run inline by its completion) must not
    // block on those runs' exits: they resume only once that code returns. FalClient.Dispose reads it.
    [ThreadStatic]
    private static List<RequestRun>? t_calling;
    private readonly IObserver<FalStatus> _observer;
    private readonly LiveRuns _live;
    private readonly CancellationTokenSource _disposed = new();
    private Task? _run;
    private volatile bool _abortedByClient;
    private volatile bool _userDisposed;
    private int _terminated;
    private StatusChangeTracker _tracker;
    private ExceptionDispatchInfo? _observerFault;

    protected RequestRun(IObserver<FalStatus> observer, IScheduler scheduler, LiveRuns live)
    {
        _observer = observer;
        Scheduler = scheduler;
        _live = live;
    }

    /// <summary>A number unique among the runs alive at once (the live-run registry hashes by it).</summary>
    public int Number { get; } = Interlocked.Increment(ref s_lastNumber);

    /// <summary>The scheduler every wait of this run goes through.</summary>
    protected IScheduler Scheduler { get; }

    /// <summary>The request's span, logs and metrics; null for runs that only watch.</summary>
    protected FalRequestTelemetry? Telemetry { get; init; }

    /// <summary>Whether the observer threw; then nothing the run still does may reach it.</summary>
    protected bool ObserverFaulted => _observerFault is not null;

    /// <summary>The request's id once known (the error of a disposed client carries it).</summary>
    protected abstract string? KnownRequestId { get; }

    /// <summary>The run's task, unfinished while its exit path has work left; null before it started.</summary>
    public Task? Exit => Volatile.Read(ref _run);

    /// <summary>The exits of the runs whose observer call is on this thread's stack: waiting for them here would wait for ourselves.</summary>
    public static IEnumerable<Task> ExitsBlockedByThisThread() =>
        t_calling is { Count: > 0 } calling ? [.. calling.Select(run => run.Exit).OfType<Task>()] : [];

    public void Dispose()
    {
        _userDisposed = true;
        // The run's exit path (and so a server-side cancel) runs inline here where the I/O allows.
        InlineContinuations.Run(_disposed, static d => d.Cancel());
        if (Volatile.Read(ref _run) is { IsCompleted: false } run)
        {
            OnDisposedWhileRunning(run);
        }
    }

    /// <summary>
    /// Ends the run because its client is being disposed: as a disposal (the exit path cancels the request),
    /// and the observer gets one <see cref="FalClientDisposedException"/>: at once when the request id is
    /// known, else once the submit in flight has answered. The task is the exit path's.
    /// </summary>
    public Task AbortByClient()
    {
        _abortedByClient = true;
        InlineContinuations.Run(_disposed, static d => d.Cancel());
        if (KnownRequestId is not null)
        {
            // Not after the cancel: a stalled server must not keep the subscriber waiting for its error.
            ReportClientDisposal();
        }

        return Volatile.Read(ref _run) ?? Task.CompletedTask;
    }

    /// <summary>Starts the run. It catches everything, so its task never faults, observed or not.</summary>
    protected void Start()
    {
        if (!_live.TryAdd(this))
        {
            _observer.OnError(new ObjectDisposedException(nameof(FalClient)));
            return;
        }

        Volatile.Write(ref _run, RunAsync());
    }

    /// <summary>What the observer of a run ended by the client's disposal is told.</summary>
    protected virtual FalClientDisposedException ClientDisposedError(string? requestId) =>
        new($"The FalClient was disposed while request {requestId ?? "(not yet submitted)"} was followed.") { RequestId = requestId };

    /// <summary>Follows the request until COMPLETED (with its result); null when a status's observer disposed the subscription.</summary>
    protected abstract Task<Completed?> FollowAsync(CancellationToken token);

    /// <summary>Runs when the run ends, however it ends (completed, failed or disposed).</summary>
    protected virtual Task OnExitAsync() => Task.CompletedTask;

    /// <summary>Called by <see cref="Dispose"/> when the run has work left (its exit path).</summary>
    protected virtual void OnDisposedWhileRunning(Task run)
    {
    }

    /// <summary>Polls until COMPLETED, emitting each status that is news; null when its observer disposed the subscription.</summary>
    protected async Task<Completed?> PollAsync(StatusPoller poller, CancellationToken token)
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

    /// <summary>
    /// Follows the server-sent status stream until COMPLETED (returned without its result). Null when the stream
    /// closed early or failed (the caller polls instead) or a status's observer disposed the subscription.
    /// </summary>
    protected async Task<Completed?> FollowStatusStreamAsync(FalQueueApi api, StatusPoller poller, bool withLogs, CancellationToken token)
    {
        try
        {
            await foreach (var status in FalStatusStream.ReadAsync(api, poller.Urls, poller.RequestId, withLogs, Scheduler, Telemetry, token).ConfigureAwait(false))
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
        catch (Exception e) when (!token.IsCancellationRequested && !ObserverFaulted && e is HttpRequestException or IOException or FalHttpException or TimeoutException)
        {
            // The stream failed to open, broke or went silent past its idle timeout: polling, with its
            // retries and typed errors, takes over.
            return null;
        }
    }

    /// <summary>Emits a status that is news; false when its observer disposed the subscription.</summary>
    protected bool EmitIfChanged(FalStatus status, CancellationToken token)
    {
        if (_tracker.Changed(status))
        {
            Telemetry?.StatusChanged(status);
            Emit(status);
        }

        return !token.IsCancellationRequested;
    }

    private async Task RunAsync()
    {
        var token = _disposed.Token;
        Telemetry?.Start();
        try
        {
            if (await FollowAsync(token).ConfigureAwait(false) is { } completed)
            {
                // One terminal notification: the result, unless the client's disposal error went first.
                if (Interlocked.CompareExchange(ref _terminated, 1, 0) == 0)
                {
                    Telemetry?.Completed(completed);
                    CallObserver<FalStatus>(completed, static (o, c) => o.OnNext(c));
                    CallObserver(0, static (o, _) => o.OnCompleted());
                }
            }
        }
        catch (Exception) when (token.IsCancellationRequested || _observerFault is not null)
        {
            // Disposed: whatever the interrupted call threw has no one to go to. (An exception the observer
            // threw is kept in _observerFault and rethrown below.)
        }
        catch (Exception e)
        {
            Telemetry?.Failed(e);
            try
            {
                if (Interlocked.CompareExchange(ref _terminated, 1, 0) == 0)
                {
                    CallObserver(e, static (o, error) => o.OnError(error));
                }
            }
            catch (Exception fromObserver)
            {
                _observerFault = ExceptionDispatchInfo.Capture(fromObserver);
            }
        }
        finally
        {
            await OnExitAsync().ConfigureAwait(false);
            Telemetry?.End();
            _live.Remove(this);
            ReportClientDisposal();
            if (_observerFault is { } fault)
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

    /// <summary>After the exit path (so the error can say the request was cancelled): one error for a run its client ended.</summary>
    private void ReportClientDisposal()
    {
        if (_abortedByClient && !_userDisposed && _observerFault is null && Interlocked.Exchange(ref _terminated, 1) == 0)
        {
            try
            {
                CallObserver(ClientDisposedError(KnownRequestId), static (o, error) => o.OnError(error));
            }
            catch (Exception fromObserver)
            {
                _observerFault ??= ExceptionDispatchInfo.Capture(fromObserver);
            }
        }
    }

    private void Emit(FalStatus status)
    {
        // A run its client ended reports only the disposal error.
        if (!_abortedByClient)
        {
            CallObserver(status, static (o, s) => o.OnNext(s));
        }
    }

    /// <summary>Calls the observer, remembering an exception it throws so that it is not taken for a failure of the request.</summary>
    private void CallObserver<T>(T value, Action<IObserver<FalStatus>, T> call)
    {
        var calling = t_calling ??= [];
        calling.Add(this);
        try
        {
            call(_observer, value);
        }
        catch (Exception e)
        {
            _observerFault ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
        finally
        {
            calling.RemoveAt(calling.Count - 1);
        }
    }
}
