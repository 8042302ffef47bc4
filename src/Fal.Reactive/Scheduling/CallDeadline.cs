using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// The client-side limits of one call, on the scheduler (so virtual time drives them): a whole-call
/// timeout and an idle timeout that <see cref="Touch"/> re-arms. Either one cancels <see cref="Token"/>
/// (linked to the caller's token); <see cref="HasExpired"/> and <see cref="IdleExpired"/> then say which, so the caller can tell a time
/// limit from its own cancellation.
/// </summary>
internal sealed class CallDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan? _idle;
    private readonly SerialDisposable _idleTimer = new();
    private readonly IDisposable _timer;
    private int _expired; // 0 none, 1 whole call, 2 idle

    public CallDeadline(IScheduler scheduler, TimeSpan? timeout, TimeSpan? idle, CancellationToken cancellationToken)
    {
        _scheduler = scheduler;
        _idle = idle;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer = timeout is { } limit ? scheduler.Schedule(this, limit, static (_, self) => self.Expire(1)) : Disposable.Empty;
        Touch();
    }

    public CancellationToken Token => _cts.Token;

    public bool IdleExpired => Volatile.Read(ref _expired) == 2;

    public bool HasExpired => Volatile.Read(ref _expired) != 0;

    /// <summary>Something arrived: the idle limit starts again.</summary>
    public void Touch()
    {
        if (_idle is { } idle)
        {
            _idleTimer.Disposable = _scheduler.Schedule(this, idle, static (_, self) => self.Expire(2));
        }
    }

    /// <summary>Stops the idle limit until the next <see cref="Touch"/>.</summary>
    public void Pause() => _idleTimer.Disposable = Disposable.Empty;

    public void Dispose()
    {
        _timer.Dispose();
        _idleTimer.Dispose();
        _cts.Dispose();
    }

    private IDisposable Expire(int which)
    {
        if (Interlocked.CompareExchange(ref _expired, which, 0) == 0)
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
