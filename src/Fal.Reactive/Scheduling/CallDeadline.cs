using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// The whole-call time limit of a direct run or a streaming run (<see cref="FalRunOptions.Timeout"/>), on the
/// scheduler (so virtual time drives it): it cancels <see cref="Token"/> (linked to the caller's token), and
/// <see cref="HasExpired"/> then tells the limit from the caller's own cancellation. (Silence within a stream is
/// <see cref="IdleTimeout"/>'s.)
/// </summary>
internal sealed class CallDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IDisposable _timer;
    private int _expired;

    public CallDeadline(IScheduler scheduler, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer = timeout is { } limit ? scheduler.Schedule(this, limit, static (_, self) => self.Expire()) : Disposable.Empty;
    }

    public CancellationToken Token => _cts.Token;

    public bool HasExpired => Volatile.Read(ref _expired) != 0;

    public void Dispose()
    {
        _timer.Dispose();
        _cts.Dispose();
    }

    private IDisposable Expire()
    {
        if (Interlocked.Exchange(ref _expired, 1) == 0)
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call already ended.
            }
        }

        return Disposable.Empty;
    }
}
