using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// The current temporary token of <see cref="FalCredentials.FromTokenProvider"/>: fetched on first use and again
/// once 90 % of its lifetime has passed on the scheduler's clock, so no call goes out with a token about to
/// expire. Concurrent calls share one fetch; a failed fetch fails the calls waiting on it and the next call
/// tries again.
/// </summary>
internal sealed class FalTokenSource(Func<CancellationToken, Task<string>> provider, TimeSpan lifetime)
{
    private readonly object _gate = new();
    private string? _header;
    private DateTimeOffset _refreshAt;
    private Task<string>? _fetch;

    public string HeaderValue => Volatile.Read(ref _header) ?? throw new InvalidOperationException("No token was fetched before the call was built.");

    /// <summary>Whether a token has been fetched (so there is one to redact).</summary>
    public bool HasToken => Volatile.Read(ref _header) is not null;

    public async ValueTask RefreshIfDueAsync(bool async, IScheduler scheduler, CancellationToken cancellationToken)
    {
        Task<string> fetch;
        lock (_gate)
        {
            if (_header is not null && scheduler.Now < _refreshAt)
            {
                return;
            }

            // One fetch for every call that finds the token due; not cancelled by any one caller's token.
            if (_fetch is not { IsCompleted: false } running)
            {
                running = _fetch = FetchAsync(scheduler);
            }

            fetch = running;
        }

        if (async)
        {
            await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The synchronous API: a token provider is asynchronous by nature, so this one wait blocks.
            try
            {
                fetch.Wait(cancellationToken);
            }
            catch (AggregateException e) when (e.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            }
        }
    }

    private async Task<string> FetchAsync(IScheduler scheduler)
    {
        var token = await provider(CancellationToken.None).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(token) || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new FalException("The token provider returned an empty token, or one with white space or control characters.");
        }

        lock (_gate)
        {
            _header = "Bearer " + token;
            _refreshAt = scheduler.Now + (lifetime * 0.9);
        }

        return token;
    }
}
