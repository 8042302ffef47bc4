using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Fal.Reactive;

/// <summary>
/// A client's watches of submitted requests (<see cref="FalRequestHandle.Events"/>),
/// shared: every subscriber watching the same request the same way rides one poll loop, and a late subscriber
/// gets the latest status at once. The loop starts with the first watcher and stops when the last one leaves.
/// </summary>
/// <remarks>
/// Why not <c>Replay(1).RefCount()</c>: its subject outlives a disconnection, so a watcher coming back after all
/// had left would first see a stale status. Here each loop gets a fresh entry, removed with its last watcher.
/// </remarks>
internal sealed class SharedWatches
{
    private readonly Dictionary<Key, Entry> _entries = [];
#if NET9_0_OR_GREATER
    private readonly Lock _gate = new();
#else
    private readonly object _gate = new();
#endif

    /// <summary>A watch of <paramref name="requestId"/> shared with every other one of the same key; <paramref name="newWatch"/> makes the one loop.</summary>
    public IObservable<FalStatus> Watch(string requestId, bool withLogs, TimeSpan interval, IScheduler scheduler, FalStatusMode mode, Func<IObservable<FalStatus>> newWatch) =>
        Observable.Create<FalStatus>(observer =>
        {
            var key = new Key(requestId, withLogs, interval, scheduler, mode);
            Entry? entry;
            bool first;
            lock (_gate)
            {
                first = !_entries.TryGetValue(key, out entry);
                if (first)
                {
                    entry = new Entry(newWatch().Replay(1));
                    _entries.Add(key, entry);
                }

                entry!.Watchers++;
            }

            var subscription = entry.Shared.Subscribe(observer);
            if (first)
            {
                // Outside the lock: connecting may poll and emit synchronously. A dispose racing it is safe, as
                // SingleAssignmentDisposable disposes a connection assigned after it was disposed.
                entry.Connection.Disposable = entry.Shared.Connect();
            }

            return Disposable.Create(() =>
            {
                subscription.Dispose();
                bool last;
                lock (_gate)
                {
                    last = --entry.Watchers == 0;
                    if (last)
                    {
                        _entries.Remove(key);
                    }
                }

                if (last)
                {
                    entry.Connection.Dispose();
                }
            });
        });

    private readonly record struct Key(string RequestId, bool WithLogs, TimeSpan Interval, IScheduler Scheduler, FalStatusMode Mode);

    private sealed class Entry(IConnectableObservable<FalStatus> shared)
    {
        public IConnectableObservable<FalStatus> Shared { get; } = shared;

        public SingleAssignmentDisposable Connection { get; } = new();

        public int Watchers { get; set; }
    }
}
