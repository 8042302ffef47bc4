using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>
/// For tests of the blocking API in virtual time: a relative wait scheduled here advances the underlying
/// <see cref="TestScheduler"/> by that much at once, running everything due on the way (the simulator's
/// queue, runs and logs) and then the wait's own action, so a blocked caller wakes without real time passing.
/// An attempt's deadline (the calls' timeouts, blocking ones included) is scheduled without the jump.
/// </summary>
internal sealed class AdvancingScheduler(TestScheduler inner) : IScheduler
{
    public DateTimeOffset Now => inner.Now;

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, TimeSpan.Zero, action);

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        var scheduled = inner.Schedule(state, dueTime, (_, s) => action(this, s));
        // A deadline is not a wait: nobody blocks on it, so time is not jumped to it (it fires if waits get there).
        if (state is not AttemptDeadline)
        {
            inner.AdvanceBy(Math.Max(1, dueTime.Ticks));
        }

        return scheduled;
    }

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, dueTime - Now, action);
}
