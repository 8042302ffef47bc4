using System.Collections.Concurrent;

namespace Fal.Reactive;

/// <summary>
/// Every request subscription a client has going, so that disposing the client can end each one (with
/// <see cref="FalClientDisposedException"/>, its request cancelled) before the connection is released.
/// Once closed, no subscription starts and every call is refused with <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class LiveRequests
{
    private readonly ConcurrentDictionary<RequestSubscription, byte> _subscriptions = new(ByNumber.Instance);
    private volatile bool _closed;

    public bool IsClosed => _closed;

    /// <summary>Refuses a call on a disposed client, at the call.</summary>
    public void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, typeof(FalClient));

    /// <summary>Registers a starting subscription; false when the client is disposed (it must not start).</summary>
    public bool TryAdd(RequestSubscription subscription)
    {
        if (_closed)
        {
            return false;
        }

        _subscriptions.TryAdd(subscription, 0);
        // Closed meanwhile: Close may not have seen it, so it is refused here.
        if (_closed)
        {
            _subscriptions.TryRemove(subscription, out _);
            return false;
        }

        return true;
    }

    public void Remove(RequestSubscription subscription) => _subscriptions.TryRemove(subscription, out _);

    /// <summary>Closes the registry and ends every live subscription; the tasks of their exit paths (cancels included).</summary>
    public Task[] Close()
    {
        _closed = true;
        return [.. _subscriptions.Keys.Select(subscription => subscription.EndByClient())];
    }

    /// <summary>
    /// Subscriptions hashed by their number: an object's default hash is made (and stored in its header) on first use,
    /// a cost every request would pay once here.
    /// </summary>
    private sealed class ByNumber : IEqualityComparer<RequestSubscription>
    {
        public static readonly ByNumber Instance = new();

        public bool Equals(RequestSubscription? x, RequestSubscription? y) => ReferenceEquals(x, y);

        public int GetHashCode(RequestSubscription subscription) => subscription.Number;
    }
}
