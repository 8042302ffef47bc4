using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// The temporary token of one realtime session: fetched when first needed, refreshed on the scheduler at 90 % of its
/// lifetime (retried at 5 % after a failed refresh, as the JS client does), dropped when the app refuses it.
/// </summary>
internal sealed class RealtimeTokenSource(Func<CancellationToken, Task<string>> fetch, TimeSpan? lifetime, IScheduler scheduler) : IDisposable
{
    private readonly object _gate = new();
    private readonly SerialDisposable _refresh = new();
    private readonly CancellationTokenSource _cts = new();
    private string? _token;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_token is { } current)
            {
                return current;
            }
        }

        var token = await fetch(cancellationToken).ConfigureAwait(false);
        Set(token);
        return token;
    }

    /// <summary>Forgets the token the app refused (unless a refresh already replaced it).</summary>
    public void Invalidate(string refused)
    {
        lock (_gate)
        {
            if (_token == refused)
            {
                _token = null;
            }
        }
    }

    public void Dispose()
    {
        _refresh.Dispose();
        // Cancelled, never disposed: a refresh in flight may still read its token.
        _cts.Cancel();
    }

    private void Set(string token)
    {
        lock (_gate)
        {
            _token = token;
        }

        Schedule(0.9);
    }

    private void Schedule(double fractionOfLifetime)
    {
        if (lifetime is not { } life || _cts.IsCancellationRequested)
        {
            return;
        }

        _refresh.Disposable = scheduler.Schedule(this, life * fractionOfLifetime, static (IScheduler unused, RealtimeTokenSource self) =>
        {
            _ = self.RefreshAsync();
            return Disposable.Empty;
        });
    }

    private async Task RefreshAsync()
    {
        try
        {
            var token = await fetch(_cts.Token).ConfigureAwait(false);
            if (!_cts.IsCancellationRequested)
            {
                Set(token);
            }
        }
        catch (Exception) when (!_cts.IsCancellationRequested)
        {
            // The current token is still good for the rest of its life: try again soon, quietly.
            Schedule(0.05);
        }
        catch (Exception)
        {
            // Disposed while refreshing: nothing to do.
        }
    }
}
