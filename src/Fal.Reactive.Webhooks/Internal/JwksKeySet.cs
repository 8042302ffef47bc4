using System.Reactive.Concurrency;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Fal.Reactive;

/// <summary>
/// fal's webhook keys, fetched from the JWKS URL and cached: fetched when none are held or the set is older than
/// the cache duration, fetched again when no held key verifies a signature (fal rotated its key), never more often
/// than the minimum refresh interval, and one fetch at a time (concurrent callers share it). A failed fetch keeps
/// the keys already held. All times come from the scheduler.
/// </summary>
internal sealed class JwksKeySet(HttpClient http, FalWebhookVerifierOptions options)
{
    private readonly object _gate = new();
    private readonly IScheduler _scheduler = options.Scheduler!;
    private Snapshot _current = new([], Version: 0, Error: null);
    private DateTimeOffset? _fetchedAt;
    private DateTimeOffset? _lastAttempt;
    private Task<Snapshot>? _inFlight;

    /// <summary>The keys held, with a version that changes on each successful fetch, and the last fetch error.</summary>
    internal sealed record Snapshot(IReadOnlyList<byte[]> Keys, long Version, string? Error)
    {
        /// <summary>
        /// The keys decoded once per fetch, not once per delivery (decoding is a tenth of a verification); a key that is
        /// not a point on the curve is left out, as it could verify nothing.
        /// </summary>
        public IReadOnlyList<Ed25519.PublicPoint> Points { get; } =
            [.. Keys.Select(k => Ed25519.ValidatePublicKeyPartialExport(k, 0)).OfType<Ed25519.PublicPoint>()];
    }

    /// <summary>The keys to verify with: fetched first when none were ever fetched or the set has expired (rate permitting).</summary>
    public Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Snapshot>? started = null;
        Task<Snapshot> answer;
        lock (_gate)
        {
            var expired = _fetchedAt is not { } at || _scheduler.Now - at >= options.CacheDuration;
            answer = expired ? FetchIfAllowed(out started) : Task.FromResult(_current);
        }

        return Run(started, answer, cancellationToken);
    }

    /// <summary>
    /// The keys after a refresh, when the held ones (version <paramref name="seen"/>) verified nothing: another
    /// caller's newer set, the fetch in flight, or a new fetch if the rate bound allows one; otherwise the same set.
    /// </summary>
    public Task<Snapshot> RefreshAsync(long seen, CancellationToken cancellationToken)
    {
        TaskCompletionSource<Snapshot>? started = null;
        Task<Snapshot> answer;
        lock (_gate)
        {
            answer = _current.Version != seen ? Task.FromResult(_current) : FetchIfAllowed(out started);
        }

        return Run(started, answer, cancellationToken);
    }

    /// <summary>Starts the fetch this caller won (outside the lock), then waits for the answer or the caller's cancellation.</summary>
    private Task<Snapshot> Run(TaskCompletionSource<Snapshot>? started, Task<Snapshot> answer, CancellationToken cancellationToken)
    {
        if (started is not null)
        {
            _ = FetchAsync(started);
        }

        return answer.IsCompleted ? answer : answer.WaitAsync(cancellationToken);
    }

    /// <summary>Under the lock: joins the fetch in flight, claims a new one if the last attempt is old enough, or answers what is held.</summary>
    private Task<Snapshot> FetchIfAllowed(out TaskCompletionSource<Snapshot>? started)
    {
        started = null;
        if (_inFlight is { } running)
        {
            return running;
        }

        var now = _scheduler.Now;
        if (_lastAttempt is { } last && now - last < options.MinRefreshInterval)
        {
            return Task.FromResult(_current);
        }

        _lastAttempt = now;
        // The fetch is shared: no caller's cancellation stops it, only its own timeout.
        started = new TaskCompletionSource<Snapshot>();
        _inFlight = started.Task;
        return started.Task;
    }

    private async Task FetchAsync(TaskCompletionSource<Snapshot> done)
    {
        IReadOnlyList<byte[]>? keys;
        string? error;
        using (var timeout = new CancellationTokenSource())
        using (_scheduler.Schedule(timeout, options.JwksTimeout, static (_, cts) =>
        {
            cts.Cancel();
            return System.Reactive.Disposables.Disposable.Empty;
        }))
        {
            (keys, error) = await JwksDocument.FetchAsync(http, options.JwksUrl!, options.MaxJwksBytes, options.JwksTimeout, timeout.Token).ConfigureAwait(false);
        }

        Snapshot result;
        lock (_gate)
        {
            _inFlight = null;
            if (keys is null)
            {
                _current = _current with { Error = error };
            }
            else
            {
                _current = new Snapshot(keys, _current.Version + 1, Error: null);
                _fetchedAt = _scheduler.Now;
            }

            result = _current;
        }

        done.SetResult(result);
    }
}
