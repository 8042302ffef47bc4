using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// Renews every lease a worker holds, every third of the lease's duration on the worker's scheduler, while it works at
/// least one key: one timer per worker, not one per key.
/// </summary>
internal sealed class LeaseKeeper(IFalRequestJournal journal, Func<FalJournalLease> lease, IScheduler scheduler, TimeSpan duration)
{
    private readonly object _gate = new();
    private int _working;
    private IDisposable? _timer;

    public IDisposable Hold()
    {
        lock (_gate)
        {
            if (_working++ == 0)
            {
                var every = duration / 3 > TimeSpan.Zero ? duration / 3 : duration;
                _timer = Observable.Interval(every, scheduler).Subscribe(tick => _ = RenewAsync());
            }
        }

        return Disposable.Create(this, static keeper =>
        {
            lock (keeper._gate)
            {
                if (--keeper._working == 0)
                {
                    keeper._timer?.Dispose();
                    keeper._timer = null;
                }
            }
        });
    }

    private async Task RenewAsync()
    {
        try
        {
            await journal.RenewAsync(lease()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed renewal is retried at the next tick; a lease that lapses is caught by the next write (LeaseLost).
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
