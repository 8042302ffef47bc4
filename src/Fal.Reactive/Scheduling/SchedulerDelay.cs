using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// Waits that go through an <see cref="IScheduler"/>, so virtual time drives them: a task that completes
/// when the scheduler reaches the due time, and a blocking wait for the synchronous API.
/// </summary>
internal static class SchedulerDelay
{
    public static Task Delay(IScheduler scheduler, TimeSpan dueTime, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var delay = new DelayPromise(cancellationToken);
        delay.Arm(scheduler, dueTime);
        return delay.Task;
    }

    public static void Wait(IScheduler scheduler, TimeSpan dueTime, CancellationToken cancellationToken)
    {
        using var signal = new ManualResetEventSlim();
        using var timer = scheduler.Schedule(signal, dueTime, static (_, s) =>
        {
            s.Set();
            return Disposable.Empty;
        });
        signal.Wait(cancellationToken);
    }

    /// <summary>
    /// Continuations run inline (no RunContinuationsAsynchronously, no synchronization context while
    /// completing) so that, under a TestScheduler, the code after the await runs at the very tick the
    /// scheduler fires.
    /// </summary>
#pragma warning disable CA1001 // The timer is disposed when the delay fires or is cancelled; nothing else holds it.
    private sealed class DelayPromise(CancellationToken cancellationToken) : TaskCompletionSource
    {
        private readonly SingleAssignmentDisposable _timer = new();
        private CancellationTokenRegistration _registration;

        public void Arm(IScheduler scheduler, TimeSpan dueTime)
        {
            // Register first, so the timer's callback always finds the registration it must release.
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.Register(static s =>
                {
                    var self = (DelayPromise)s!;
                    self._timer.Dispose();
                    InlineContinuations.Run(self, static s => s.TrySetCanceled(cancellationToken: default));
                }, this);
            }

            _timer.Disposable = scheduler.Schedule(this, dueTime, static (_, self) =>
            {
                self._registration.Dispose();
                InlineContinuations.Run(self, static s => s.TrySetResult());
                return Disposable.Empty;
            });
        }
    }
#pragma warning restore CA1001
}
