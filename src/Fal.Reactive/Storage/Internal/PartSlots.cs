namespace Fal.Reactive;

/// <summary>
/// The slots of a multipart upload's parts in flight. Unlike <see cref="SemaphoreSlim"/>, whose waiters resume on the thread
/// pool, a freed slot resumes its waiter inline, on the thread that freed it: under a <c>TestScheduler</c> the next part is
/// read and sent within the scheduler step that finished the last one, so virtual-time runs stay deterministic.
/// </summary>
internal sealed class PartSlots(int count)
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _free = count;

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource();
            _waiters.Enqueue(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Task;
    }

    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? next;
            lock (_gate)
            {
                if (!_waiters.TryDequeue(out next))
                {
                    _free++;
                    return;
                }
            }

            // Outside the lock: the waiter's continuation runs here. A cancelled waiter passes the slot on.
            if (next.TrySetResult())
            {
                return;
            }
        }
    }
}
