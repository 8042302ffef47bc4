namespace Fal.Reactive;

internal static class TaskExtensions
{
    /// <summary>
    /// Unwraps a <see cref="ValueTask{T}"/> that ran with <c>async: false</c>. Such a task has only done
    /// synchronous I/O and is complete; anything else is a bug, not something to block on.
    /// </summary>
    public static T EnsureCompleted<T>(this ValueTask<T> task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("A synchronous fal call did not complete synchronously.");
        }

        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="EnsureCompleted{T}(ValueTask{T})"/>
    public static void EnsureCompleted(this ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("A synchronous fal call did not complete synchronously.");
        }

        task.GetAwaiter().GetResult();
    }
}
