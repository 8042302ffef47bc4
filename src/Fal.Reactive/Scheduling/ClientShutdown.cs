using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>The bounded waits of a client's disposal, measured on its scheduler like every other wait.</summary>
internal static class ClientShutdown
{
    /// <summary>Completes when <paramref name="work"/> does or <paramref name="timeout"/> has passed on the scheduler; never faults.</summary>
    public static Task WhenDoneOrTimeout(Task work, IScheduler scheduler, TimeSpan timeout)
    {
        if (work.IsCompleted)
        {
            return Task.CompletedTask;
        }

        // Continuations run inline, so that under a TestScheduler disposal finishes at the tick its wait ends.
        var done = new TaskCompletionSource();
        var timer = scheduler.Schedule(done, timeout, static (_, d) =>
        {
            InlineContinuations.Run(d, static d => d.TrySetResult());
            return Disposable.Empty;
        });
        work.ContinueWith(
            static (_, state) =>
            {
                var (d, t) = ((TaskCompletionSource, IDisposable))state!;
                t.Dispose();
                InlineContinuations.Run(d, static d => d.TrySetResult());
            },
            (done, timer),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return done.Task;
    }

    /// <summary>Blocks until <paramref name="work"/> completes or <paramref name="timeout"/> passes on the scheduler.</summary>
    public static void Wait(Task work, IScheduler scheduler, TimeSpan timeout) =>
        WhenDoneOrTimeout(work, scheduler, timeout).GetAwaiter().GetResult();

    /// <summary>
    /// Whether the scheduler's clock is virtual (Rx's <c>VirtualTimeSchedulerBase</c>: <c>TestScheduler</c>,
    /// <c>HistoricalScheduler</c>): it moves only when its owner advances it, so blocking on it would hang.
    /// </summary>
    public static bool IsVirtualTime(IScheduler scheduler)
    {
        for (var type = scheduler.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VirtualTimeSchedulerBase<,>))
            {
                return true;
            }
        }

        return false;
    }
}
