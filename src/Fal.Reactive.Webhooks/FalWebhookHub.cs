using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;

namespace Fal.Reactive;

/// <summary>
/// Where verified webhooks go: an <see cref="IObservable{T}"/> of every webhook received, and a way to await one
/// request's webhook (<see cref="Completed"/>, <see cref="WhenCompleted"/>), so a pipeline waits for the result fal
/// pushes instead of polling for it. The ASP.NET Core endpoint (<c>MapFalWebhooks</c>) publishes into it.
/// </summary>
/// <remarks>
/// The hub remembers each webhook by request id for <see cref="Retention"/> (on its scheduler), at most
/// <see cref="Capacity"/> at once, so awaiting a request whose webhook has already arrived (a fast request, or a
/// submit answered after its webhook) still completes, and a delivery fal retries, or anyone replays while the
/// verifier would still accept it, is published once. Thread-safe. A request's waiters get its webhook as soon as
/// it is published; observers are called one delivery at a time, outside the hub's lock, so a slow observer delays
/// the observers of later deliveries but no waiter and no other call of the hub.
/// </remarks>
/// <example>
/// <code>
/// var handle = await fal.SubmitAsync("fal-ai/flux/dev", input, new FalSubmitOptions { WebhookUrl = myWebhookUrl });
/// FalWebhook done = await hub.WhenCompleted(handle.RequestId).WaitAsync(TimeSpan.FromMinutes(10));
/// </code>
/// </example>
public sealed class FalWebhookHub : IObservable<FalWebhook>, IDisposable
{
    /// <summary>
    /// The most webhooks remembered at once by default: 100,000 (166 a second over the default retention), so a batch of
    /// tens of thousands of requests finishing together is not refused.
    /// </summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>How long a webhook is remembered by default: 10 minutes, twice the verifier's default 5-minute tolerance.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromMinutes(10);

    private readonly object _gate = new();
    // The observers' turn, taken outside _gate: one delivery at a time reaches them (an observer is never called
    // concurrently), while waiters, duplicates and Completed never wait for it.
    private readonly SemaphoreSlim _observersTurn = new(1, 1);
    private readonly Subject<FalWebhook> _webhooks = new();
    private readonly IScheduler _scheduler;
    private readonly Dictionary<string, LinkedListNode<Remembered>> _recent = new(StringComparer.Ordinal);
    private readonly LinkedList<Remembered> _byAge = new();
    private readonly Dictionary<string, List<IObserver<FalWebhook>>> _waiters = new(StringComparer.Ordinal);
    private bool _disposed;
    private bool _observersCompleted;
    // The managed thread id that holds the observers' turn (0: none), so that an observer publishing into the hub or
    // disposing it from its OnNext goes on (the turn is its own) instead of waiting for itself.
    private int _turnOwner;

    /// <summary>A hub with the default options (10-minute retention, 100,000 webhooks, real time).</summary>
    public FalWebhookHub()
        : this(null, null, "options")
    {
    }

    /// <summary>A hub with the given options, for webhooks verified elsewhere.</summary>
    /// <param name="options">The options; set <see cref="FalWebhookHubOptions.Retention"/> to at least twice your verifier's timestamp tolerance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public FalWebhookHub(FalWebhookHubOptions options)
        : this(null, options ?? throw new ArgumentNullException(nameof(options)), nameof(options))
    {
    }

    /// <summary>
    /// A hub for the webhooks <paramref name="verifier"/> verifies: the retention follows its tolerance (see
    /// <see cref="FalWebhookHubOptions.Retention"/>) and the clock is its scheduler unless the options say otherwise.
    /// </summary>
    /// <param name="verifier">The verifier whose deliveries are published here.</param>
    /// <param name="options">The options; default ones when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="verifier"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the retention is shorter than twice the verifier's tolerance.</exception>
    public FalWebhookHub(FalWebhookVerifier verifier, FalWebhookHubOptions? options = null)
        : this(verifier ?? throw new ArgumentNullException(nameof(verifier)), options, nameof(options))
    {
    }

    private FalWebhookHub(FalWebhookVerifier? verifier, FalWebhookHubOptions? options, string paramName)
    {
        options ??= new FalWebhookHubOptions();
        var tolerance = verifier?.Tolerance ?? TimeSpan.Zero;
        var retention = options.Retention ?? (2 * tolerance > DefaultRetention ? 2 * tolerance : DefaultRetention);
        if (retention <= TimeSpan.Zero || retention < 2 * tolerance)
        {
            throw new ArgumentException(
                $"Retention must be positive and at least twice the verifier's tolerance ({2 * tolerance}): a replay the verifier accepts must still be remembered; it is {retention}.",
                paramName);
        }

        if (options.Capacity < 1)
        {
            throw new ArgumentException($"Capacity must be at least 1, not {options.Capacity}.", paramName);
        }

        Retention = retention;
        Capacity = options.Capacity;
        _scheduler = options.Scheduler ?? verifier?.Scheduler ?? DefaultScheduler.Instance;
    }

    /// <summary>The most webhooks the hub remembers at once.</summary>
    public int Capacity { get; }

    /// <summary>How long the hub remembers a webhook, from its publication, on the hub's scheduler.</summary>
    public TimeSpan Retention { get; }

    /// <summary>
    /// Publishes a (verified) webhook to whoever awaits its request, then to the observers, and remembers it for
    /// <see cref="Retention"/>. Blocks while another delivery is with the observers; <see cref="PublishAsync"/> waits
    /// for that turn without a thread. If an observer throws, the waiters already have it, the webhook is forgotten
    /// (so fal's retry of the delivery is published again) and the exception is rethrown (the endpoint of
    /// <c>MapFalWebhooks</c> answers 500, and fal retries).
    /// </summary>
    /// <param name="webhook">The webhook.</param>
    /// <returns>Published, or why not: a duplicate, or the hub full.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="webhook"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The hub is disposed.</exception>
    public FalWebhookPublishOutcome Publish(FalWebhook webhook)
    {
        var outcome = Accept(webhook, out var accepted);
        if (accepted is not null)
        {
            var took = TakeTurn();
            NotifyObservers(accepted, release: took);
        }

        return outcome;
    }

    /// <summary>
    /// <see cref="Publish"/>, waiting for the observers' turn asynchronously: the webhook's waiters get it at once,
    /// and the returned task completes once the observers have had it.
    /// </summary>
    /// <param name="webhook">The webhook.</param>
    /// <returns>Published, or why not: a duplicate, or the hub full.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="webhook"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The hub is disposed.</exception>
    public async ValueTask<FalWebhookPublishOutcome> PublishAsync(FalWebhook webhook)
    {
        var outcome = Accept(webhook, out var accepted);
        if (accepted is not null)
        {
            // No cancellation: once remembered, the delivery must reach the observers, or fal's retry would be a duplicate.
            var took = !OwnsTurn();
            if (took)
            {
                await _observersTurn.WaitAsync().ConfigureAwait(false);
            }

            NotifyObservers(accepted, release: took);
        }

        return outcome;
    }

    /// <summary>Subscribes to every webhook published from now on.</summary>
    /// <param name="observer">The observer.</param>
    /// <returns>Disposing it unsubscribes.</returns>
    public IDisposable Subscribe(IObserver<FalWebhook> observer) => _webhooks.Subscribe(observer);

    /// <summary>
    /// The webhook of one request: emits it (at once if published within <see cref="Retention"/>) and completes.
    /// Fails with <see cref="FalException"/> naming the request if the hub is disposed first. Never times out by
    /// itself: compose <c>Timeout</c>, and cancel the request if it matters.
    /// </summary>
    /// <param name="requestId">The request id (<see cref="FalRequestHandle.RequestId"/>).</param>
    /// <returns>A cold observable of one webhook.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is null or empty.</exception>
    public IObservable<FalWebhook> Completed(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return Observable.Create<FalWebhook>(observer =>
        {
            FalWebhook? known = null;
            lock (_gate)
            {
                ForgetExpired();
                if (_recent.TryGetValue(requestId, out var node))
                {
                    known = node.Value.Webhook;
                }
                else if (!_disposed)
                {
                    // Waiters are kept by request id: a publish reaches its own, not a scan of every waiter.
                    if (!_waiters.TryGetValue(requestId, out var waiters))
                    {
                        _waiters[requestId] = waiters = [];
                    }

                    waiters.Add(observer);
                    return Disposable.Create((this, requestId, observer), static w => w.Item1.StopWaiting(w.requestId, w.observer));
                }
            }

            if (known is not null)
            {
                observer.OnNext(known);
                observer.OnCompleted();
            }
            else
            {
                observer.OnError(Stopped(requestId));
            }

            return Disposable.Empty;
        });
    }

    /// <summary>Waits for the webhook of one request (see <see cref="Completed"/>).</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Stops waiting (the request goes on at fal).</param>
    /// <returns>The webhook.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is null or empty.</exception>
    public Task<FalWebhook> WhenCompleted(string requestId, CancellationToken cancellationToken = default) =>
        Completed(requestId).ToTask(cancellationToken);

    /// <summary>
    /// Whoever still awaits a request gets a <see cref="FalException"/> naming it; then the observers complete,
    /// once the delivery they are handling (if any) is done.
    /// </summary>
    public void Dispose()
    {
        KeyValuePair<string, List<IObserver<FalWebhook>>>[] waiting;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiting = [.. _waiters];
            _waiters.Clear();
            _recent.Clear();
            _byAge.Clear();
        }

        foreach (var (requestId, waiters) in waiting)
        {
            foreach (var waiter in waiters)
            {
                waiter.OnError(Stopped(requestId));
            }
        }

        // The observers' turn: an observer is never completed while it handles a webhook (unless it disposes the hub itself).
        var took = TakeTurn();
        try
        {
            _observersCompleted = true;
            _webhooks.OnCompleted();
            _webhooks.Dispose();
        }
        finally
        {
            if (took)
            {
                _observersTurn.Release();
            }
        }
    }

    /// <summary>
    /// Under the lock: a duplicate or a full hub ends here; otherwise the webhook is remembered and its waiters taken.
    /// Outside it: the waiters served, each on its own. Returns the entry the observers are to get, if any.
    /// </summary>
    private FalWebhookPublishOutcome Accept(FalWebhook webhook, out LinkedListNode<Remembered>? accepted)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        accepted = null;
        List<IObserver<FalWebhook>>? waiters;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ForgetExpired();
            if (_recent.ContainsKey(webhook.RequestId))
            {
                return FalWebhookPublishOutcome.Duplicate;
            }

            // Full: refused, not the oldest forgotten. An id forgotten inside the verifier's tolerance could be
            // replayed and published twice; a refused delivery is retried by fal once ids have aged out.
            if (_recent.Count >= Capacity)
            {
                return FalWebhookPublishOutcome.Full;
            }

            accepted = _byAge.AddLast(new Remembered(webhook, _scheduler.Now + Retention));
            _recent.Add(webhook.RequestId, accepted);
            // Removed before they are called: each unsubscribes (StopWaiting) as it completes.
            _waiters.Remove(webhook.RequestId, out waiters);
        }

        // Waiters first, each on its own: an observer that throws (or blocks) must not strand them.
        foreach (var waiter in waiters ?? [])
        {
            try
            {
                waiter.OnNext(webhook);
                waiter.OnCompleted();
            }
            catch (Exception)
            {
                // A waiter's own failure (its continuation threw) is not the delivery's: the others still get it.
            }
        }

        return FalWebhookPublishOutcome.Published;
    }

    private bool OwnsTurn() => Volatile.Read(ref _turnOwner) == Environment.CurrentManagedThreadId;

    /// <summary>Waits for the observers' turn; false when this thread holds it already (an observer's own call).</summary>
    private bool TakeTurn()
    {
        if (OwnsTurn())
        {
            return false;
        }

        _observersTurn.Wait();
        return true;
    }

    /// <summary>Holding the observers' turn (released here when <paramref name="release"/>): the webhook to each observer.</summary>
    private void NotifyObservers(LinkedListNode<Remembered> accepted, bool release)
    {
        var outer = _turnOwner;
        Volatile.Write(ref _turnOwner, Environment.CurrentManagedThreadId);
        try
        {
            if (!_observersCompleted)
            {
                _webhooks.OnNext(accepted.Value.Webhook);
            }
        }
        catch
        {
            // Forgotten, so that fal's retry of the delivery is published again rather than deduplicated away;
            // rethrown, so that the endpoint answers 500 and fal retries.
            Forget(accepted);
            throw;
        }
        finally
        {
            Volatile.Write(ref _turnOwner, outer);
            if (release)
            {
                _observersTurn.Release();
            }
        }
    }

    private void Forget(LinkedListNode<Remembered> node)
    {
        lock (_gate)
        {
            // Not when already gone (expired, or the hub disposed): the id may be someone else's entry by now.
            if (node.List is not null)
            {
                _byAge.Remove(node);
                _recent.Remove(node.Value.Webhook.RequestId);
            }
        }
    }

    /// <summary>Under the lock: drops the webhooks whose retention is over, oldest first.</summary>
    private void ForgetExpired()
    {
        var now = _scheduler.Now;
        // Strictly past: at Until itself a replay can still pass the verifier (its tolerance is inclusive).
        while (_byAge.First is { } oldest && oldest.Value.Until < now)
        {
            _byAge.RemoveFirst();
            _recent.Remove(oldest.Value.Webhook.RequestId);
        }
    }

    private void StopWaiting(string requestId, IObserver<FalWebhook> observer)
    {
        lock (_gate)
        {
            if (_waiters.TryGetValue(requestId, out var waiters) && waiters.Remove(observer) && waiters.Count == 0)
            {
                _waiters.Remove(requestId);
            }
        }
    }

    private static FalException Stopped(string requestId) =>
        new($"The webhook hub stopped before the webhook of request {requestId} arrived.") { RequestId = requestId };

    /// <summary>A remembered webhook and the moment (on the hub's clock) it may be forgotten.</summary>
    private sealed record Remembered(FalWebhook Webhook, DateTimeOffset Until);
}
