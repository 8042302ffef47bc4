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
/// The hub remembers the last <see cref="Capacity"/> webhooks by request id, so awaiting a request whose webhook has
/// already arrived (a fast request, or a submit answered after its webhook) still completes, and a delivery fal
/// retries is published once while remembered. Thread-safe; observers are called one at a time.
/// </remarks>
/// <example>
/// <code>
/// var handle = await fal.SubmitAsync("fal-ai/flux/dev", input, new FalSubmitOptions { WebhookUrl = myWebhookUrl });
/// FalWebhook done = await hub.WhenCompleted(handle.RequestId).WaitAsync(TimeSpan.FromMinutes(10));
/// </code>
/// </example>
public sealed class FalWebhookHub : IObservable<FalWebhook>, IDisposable
{
    /// <summary>The number of webhooks remembered by default: 1024.</summary>
    public const int DefaultCapacity = 1024;

    private readonly object _gate = new();
    private readonly Subject<FalWebhook> _webhooks = new();
    private readonly Dictionary<string, FalWebhook> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, List<IObserver<FalWebhook>>> _waiters = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>A hub that remembers the last <see cref="DefaultCapacity"/> webhooks.</summary>
    public FalWebhookHub()
        : this(DefaultCapacity)
    {
    }

    /// <summary>A hub that remembers the last <paramref name="capacity"/> webhooks.</summary>
    /// <param name="capacity">How many webhooks to remember, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public FalWebhookHub(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many webhooks the hub remembers.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Publishes a (verified) webhook to whoever awaits its request, then to the observers. If an observer throws,
    /// the waiters already have it, the webhook is forgotten (so fal's retry of the delivery is published again) and
    /// the exception is rethrown (the endpoint of <c>MapFalWebhooks</c> answers 500, and fal retries).
    /// </summary>
    /// <param name="webhook">The webhook.</param>
    /// <returns>False when a webhook of the same request was already published and is still remembered (a retried delivery).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="webhook"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The hub is disposed.</exception>
    public bool Publish(FalWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_recent.TryAdd(webhook.RequestId, webhook))
            {
                return false;
            }

            _order.Enqueue(webhook.RequestId);
            if (_order.Count > Capacity)
            {
                _recent.Remove(_order.Dequeue());
            }

            // Waiters first, each on its own: a subscriber that throws below must not strand them. Removed before
            // they are called: each unsubscribes (StopWaiting) as it completes.
            if (_waiters.Remove(webhook.RequestId, out var waiters))
            {
                foreach (var waiter in waiters)
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
            }

            try
            {
                // Under the lock: a subject's observers must not be called concurrently, and Completed subscribes under it.
                _webhooks.OnNext(webhook);
            }
            catch
            {
                // Forgotten, so that fal's retry of the delivery is published again rather than deduplicated away;
                // rethrown, so that the endpoint answers 500 and fal retries.
                _recent.Remove(webhook.RequestId);
                throw;
            }

            return true;
        }
    }

    /// <summary>Subscribes to every webhook published from now on.</summary>
    /// <param name="observer">The observer.</param>
    /// <returns>Disposing it unsubscribes.</returns>
    public IDisposable Subscribe(IObserver<FalWebhook> observer) => _webhooks.Subscribe(observer);

    /// <summary>
    /// The webhook of one request: emits it (at once if already received and remembered) and completes. Fails with
    /// <see cref="FalException"/> naming the request if the hub is disposed first. Never times out by itself:
    /// compose <c>Timeout</c>, and cancel the request if it matters.
    /// </summary>
    /// <param name="requestId">The request id (<see cref="FalRequestHandle.RequestId"/>).</param>
    /// <returns>A cold observable of one webhook.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is null or empty.</exception>
    public IObservable<FalWebhook> Completed(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return Observable.Create<FalWebhook>(observer =>
        {
            FalWebhook? known;
            lock (_gate)
            {
                if (!_recent.TryGetValue(requestId, out known) && !_disposed)
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

    /// <summary>Completes the observers; whoever still awaits a request gets a <see cref="FalException"/> naming it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _webhooks.OnCompleted();
            _webhooks.Dispose();
            // Taken out first: a failed waiter unsubscribes (StopWaiting) while we go through them.
            var waiting = _waiters.ToArray();
            _waiters.Clear();
            foreach (var (requestId, waiters) in waiting)
            {
                foreach (var waiter in waiters)
                {
                    waiter.OnError(Stopped(requestId));
                }
            }
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
}
