namespace Fal.Reactive.Testing;

// Retention: what is over (finished requests, calls, webhooks, files) is dropped beyond the configured counts, bytes
// and age, so that an emulator left running does not grow without bound.
public sealed partial class FalSimulator
{
    /// <summary>
    /// Applies the retention limits: drops the oldest finished requests, calls, webhooks and files beyond the counts,
    /// the bytes and the age. Called under the lock whenever the simulator is called or read: no timer needed.
    /// </summary>
    private void Trim()
    {
        var now = _scheduler.Now;
        // Older than MaxAge: before the cutoff. A MaxAge longer than the time since MinValue keeps everything.
        var cutoff = _retention.MaxAge > now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - _retention.MaxAge;
        _queue.DropFinished(_retention.MaxFinishedRequests, cutoff);
        while (_calls.TryPeek(out var oldest) && (_calls.Count > _retention.MaxCalls || oldest.Time < cutoff))
        {
            _calls.Dequeue();
        }

        _webhooks.Drop(_retention.MaxCalls, cutoff);
        _files.Drop(cutoff);
    }
}
