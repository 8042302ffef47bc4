using Fal.Reactive.Shared;
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
    private readonly IObserver<FalStatus> _observer;
    private readonly CancellationTokenSource _disposed = new();
    private Task? _run;
    private StatusChangeTracker _tracker;
    private ExceptionDispatchInfo? _observerFault;

    protected RequestRun(IObserver<FalStatus> observer, IScheduler scheduler)
    {
        _observer = observer;
        Scheduler = scheduler;
    }

    /// <summary>The scheduler every wait of this run goes through.</summary>
    protected IScheduler Scheduler { get; }

    /// <summary>Whether the observer threw; then nothing the run still does may reach it.</summary>
    protected bool ObserverFaulted => _observerFault is not null;

    public void Dispose()
    {
        // The run's exit path (and so a server-side cancel) runs inline here where the I/O allows.
        InlineContinuations.Run(_disposed, static d => d.Cancel());
        if (Volatile.Read(ref _run) is { IsCompleted: false } run)
        {
            OnDisposedWhileRunning(run);
        }
    }

    /// <summary>Starts the run. It catches everything, so its task never faults, observed or not.</summary>
    protected void Start() => Volatile.Write(ref _run, RunAsync());

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
            await foreach (var status in FalStatusStream.ReadAsync(api, poller.Urls, poller.RequestId, withLogs, token).ConfigureAwait(false))
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
        catch (Exception e) when (!token.IsCancellationRequested && !ObserverFaulted && e is HttpRequestException or IOException or FalHttpException)
        {
            // The stream failed to open or broke: polling, with its retries and typed errors, takes over.
            return null;
        }
    }

    /// <summary>Emits a status that is news; false when its observer disposed the subscription.</summary>
    protected bool EmitIfChanged(FalStatus status, CancellationToken token)
    {
        if (_tracker.Changed(status))
        {
            Emit(status);
        }

        return !token.IsCancellationRequested;
    }

    private async Task RunAsync()
    {
        var token = _disposed.Token;
        try
        {
            if (await FollowAsync(token).ConfigureAwait(false) is { } completed)
            {
                Emit(completed);
                CallObserver(0, static (o, _) => o.OnCompleted());
            }
        }
        catch (Exception) when (token.IsCancellationRequested || _observerFault is not null)
        {
            // Disposed: whatever the interrupted call threw has no one to go to. (An exception the observer
            // threw is kept in _observerFault and rethrown below.)
        }
        catch (Exception e)
        {
            try
            {
                _observer.OnError(e);
            }
            catch (Exception fromObserver)
            {
                _observerFault = ExceptionDispatchInfo.Capture(fromObserver);
            }
        }
        finally
        {
            await OnExitAsync().ConfigureAwait(false);
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

    private void Emit(FalStatus status) => CallObserver(status, static (o, s) => o.OnNext(s));

    /// <summary>Calls the observer, remembering an exception it throws so that it is not taken for a failure of the request.</summary>
    private void CallObserver<T>(T value, Action<IObserver<FalStatus>, T> call)
    {
        try
        {
            call(_observer, value);
        }
        catch (Exception e)
        {
            _observerFault ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }
}
