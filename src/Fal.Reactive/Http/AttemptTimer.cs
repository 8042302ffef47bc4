using Fal.Reactive.Shared;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// One attempt's deadline on the request's scheduler (so virtual time drives it as every other wait): a
/// token that is cancelled when the caller's is, or when the attempt has taken too long.
/// </summary>
internal sealed class AttemptTimer : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IDisposable _timer;
    private int _state; // 0 running, 1 expired, 2 disposed

    public AttemptTimer(IScheduler scheduler, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer = scheduler.Schedule(this, timeout, static (_, self) =>
        {
            if (Interlocked.CompareExchange(ref self._state, 1, 0) == 0)
            {
                try
                {
                    // Inline, so that under a TestScheduler the abandoned attempt unwinds at this very tick.
                    InlineContinuations.Run(self._cts, static c => c.Cancel());
                }
                catch (ObjectDisposedException)
                {
                    // The attempt ended as the deadline came.
                }
            }

            return Disposable.Empty;
        });
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True when the deadline cancelled the attempt.</summary>
    public bool Expired => Volatile.Read(ref _state) == 1;

    public void Dispose()
    {
        _timer.Dispose();
        Interlocked.CompareExchange(ref _state, 2, 0);
        _cts.Dispose();
    }
}
