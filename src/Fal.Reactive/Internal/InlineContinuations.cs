namespace Fal.Reactive;

/// <summary>
/// Runs an action with no <see cref="SynchronizationContext"/> on the thread. The runtime refuses to run a
/// task's continuations inline where one is present (a UI thread, xUnit's test context) and posts them to the
/// thread pool instead; completing our delays without one keeps the code after an <c>await</c> at the very
/// tick the scheduler fired, which is what makes a request under a <c>TestScheduler</c> deterministic.
/// </summary>
internal static class InlineContinuations
{
    public static void Run<TState>(TState state, Action<TState> action)
    {
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            action(state);
            return;
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action(state);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
