using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Threading.Tasks.Sources;

namespace Fal.Reactive;

/// <summary>
/// The waits of one loop that waits again and again (a poll loop), on its scheduler: one instance serves every
/// wait, each awaited once before the next starts, so a wait allocates no task, promise or disposable of its
/// own (<see cref="SchedulerDelay.Delay"/> does, for one-off waits).
/// </summary>
/// <remarks>
/// Continuations run inline with no synchronization context (as <see cref="SchedulerDelay"/>'s do), so that under
/// a TestScheduler the code after the await runs at the very tick the scheduler fired.
/// </remarks>
internal sealed class ReusableDelay : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core;
    private IDisposable? _timer;
    private CancellationTokenRegistration _registration;
    private CancellationToken _token;
    private int _lastWait;

    // The wait whose outcome is still open, 0 once decided: the timer and the cancellation race for it, and a
    // timer of an earlier wait (disposed as it fired) can never decide a later one.
    private int _waiting;

    /// <summary>A wait of <paramref name="dueTime"/> on <paramref name="scheduler"/>, ended early by <paramref name="cancellationToken"/>.</summary>
    public ValueTask WaitAsync(IScheduler scheduler, TimeSpan dueTime, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _core.Reset();
        _token = cancellationToken;
        var wait = _lastWait = _lastWait == int.MaxValue ? 1 : _lastWait + 1;
        Volatile.Write(ref _waiting, wait);
        var version = _core.Version;
        // Register first, so the timer's callback always finds the registration it must release.
        _registration = cancellationToken.UnsafeRegister(static s => ((ReusableDelay)s!).Cancelled(), this);
        var timer = scheduler.Schedule((self: this, wait), dueTime, static (_, s) =>
        {
            s.self.Elapsed(s.wait);
            return Disposable.Empty;
        });
        Volatile.Write(ref _timer, timer);
        // Decided already (a scheduler that ran it at once, or a cancellation that may have missed the timer).
        if (Volatile.Read(ref _waiting) != wait)
        {
            Interlocked.Exchange(ref _timer, null)?.Dispose();
        }

        return new ValueTask(this, version);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Elapsed(int wait)
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, wait) != wait)
        {
            return;
        }

        Interlocked.Exchange(ref _timer, null);
        _registration.Dispose();
        InlineContinuations.Run(this, static self => self._core.SetResult(true));
    }

    private void Cancelled()
    {
        var wait = Volatile.Read(ref _waiting);
        if (wait == 0 || Interlocked.CompareExchange(ref _waiting, 0, wait) != wait)
        {
            return;
        }

        Interlocked.Exchange(ref _timer, null)?.Dispose();
        InlineContinuations.Run(this, static self => self._core.SetException(new OperationCanceledException(self._token)));
    }
}
