using System.Collections.Concurrent;

namespace Fal.Reactive;

/// <summary>
/// Every run a client's subscriptions have going, so that disposing the client can end each one (with
/// <see cref="FalClientDisposedException"/>, its request cancelled) before the connection is released.
/// Once closed, no run starts and every call is refused with <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class LiveRuns
{
    private readonly ConcurrentDictionary<RequestRun, byte> _runs = new(ByNumber.Instance);
    private volatile bool _closed;

    public bool IsClosed => _closed;

    /// <summary>Refuses a call on a disposed client, at the call.</summary>
    public void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, typeof(FalClient));

    /// <summary>Registers a starting run; false when the client is disposed (the run must not start).</summary>
    public bool TryAdd(RequestRun run)
    {
        if (_closed)
        {
            return false;
        }

        _runs.TryAdd(run, 0);
        // Closed meanwhile: Close may not have seen it, so the run is aborted here.
        if (_closed)
        {
            _runs.TryRemove(run, out _);
            return false;
        }

        return true;
    }

    public void Remove(RequestRun run) => _runs.TryRemove(run, out _);

    /// <summary>Closes the registry and aborts every live run; the tasks of their exit paths (cancels included).</summary>
    public Task[] Close()
    {
        _closed = true;
        return [.. _runs.Keys.Select(run => run.AbortByClient())];
    }

    /// <summary>
    /// Runs hashed by their number: an object's default hash is made (and stored in its header) on first use,
    /// a cost every request would pay once here.
    /// </summary>
    private sealed class ByNumber : IEqualityComparer<RequestRun>
    {
        public static readonly ByNumber Instance = new();

        public bool Equals(RequestRun? x, RequestRun? y) => ReferenceEquals(x, y);

        public int GetHashCode(RequestRun run) => run.Number;
    }
}
