using System.Collections.Concurrent;

namespace Fal.Reactive;

/// <summary>
/// The work disposed subscriptions still have to do (learn their request id, send the cancel), kept until
/// it is done so that <see cref="FalClient.WhenCancellationsSentAsync"/> and disposal can wait for it.
/// </summary>
internal sealed class PendingCancellations
{
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    public void Track(Task work)
    {
        if (_pending.TryAdd(work, 0))
        {
            work.ContinueWith(
                static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
                _pending,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public Task WhenAllSentAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_pending.Keys).WaitAsync(cancellationToken);

    /// <summary>The work still pending now.</summary>
    public Task[] Snapshot() => [.. _pending.Keys];
}
