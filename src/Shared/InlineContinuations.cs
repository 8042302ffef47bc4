// Linked source: this file is compiled into several assemblies (<Compile Include="..\Shared\InlineContinuations.cs" />).
// The client and the test kit both need it, and the test kit must not depend on the client's internals (it is the
// independent check on the client's protocol code), so the helper lives once here instead of in either assembly.
namespace Fal.Reactive;

/// <summary>
/// Runs an action with no <see cref="SynchronizationContext"/> on the thread. The runtime refuses to run a task's
/// continuations inline where one is present (a UI thread, xUnit's test context) and posts them to the thread pool
/// instead; completing a task without one keeps the code after an <c>await</c> at the very tick the scheduler fired,
/// which is what makes a request under a <c>TestScheduler</c> deterministic. Continuations that captured a context
/// still post to it.
/// </summary>
internal static class InlineContinuations
{
    /// <summary>Runs <paramref name="action"/> with no synchronization context.</summary>
    public static void Run(Action action) => Run(action, static a => a());

    /// <summary>Runs <paramref name="action"/> on <paramref name="state"/> with no synchronization context (no closure).</summary>
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
