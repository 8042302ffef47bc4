namespace Fal.Reactive.Testing.Internal;

/// <summary>Runs wake-ups so that the continuations they release run inline, on the scheduler's thread.</summary>
internal static class Inline
{
    /// <summary>
    /// Runs <paramref name="action"/> with no <see cref="SynchronizationContext"/>. The runtime inlines a released
    /// <c>ConfigureAwait(false)</c> continuation only where no context is current; a test thread (xUnit's) has one,
    /// and without this those continuations would go to the thread pool, so a <c>TestScheduler.AdvanceBy</c>
    /// would return before the reader saw the data. Continuations that captured a context still post to it.
    /// </summary>
    public static void Run(Action action)
    {
        var context = SynchronizationContext.Current;
        if (context is null)
        {
            action();
            return;
        }

        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
