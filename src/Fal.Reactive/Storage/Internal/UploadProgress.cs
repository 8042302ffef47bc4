namespace Fal.Reactive;

/// <summary>Counts an upload's bytes and reports them to the caller's <see cref="IProgress{T}"/> and observer, one report at a time.</summary>
internal sealed class UploadProgress(long? total, IProgress<FalUploadProgress>? progress, Action<FalUploadProgress>? onNext)
{
    private readonly object _gate = new();
    private long _sent;

    public void Add(long bytes)
    {
        if (bytes <= 0 || (progress is null && onNext is null))
        {
            return;
        }

        // Parts finish on several threads: reports go out one at a time, in increasing order.
        lock (_gate)
        {
            _sent += bytes;
            Report(new FalUploadProgress(_sent, total));
        }
    }

    /// <summary>The bytes are sent again from the start (a retried or fallen-back upload): counting starts over.</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _sent = 0;
        }
    }

    public void Done(Uri url)
    {
        lock (_gate)
        {
            Report(new FalUploadProgress(total ?? _sent, total ?? _sent, url));
        }
    }

    private void Report(FalUploadProgress report)
    {
        progress?.Report(report);
        onNext?.Invoke(report);
    }
}
