using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace BlazorRequests.Binding;

/// <summary>Pacing fast input (typing) for a realtime app, as fal's JavaScript client does.</summary>
public static class ThrottleExtensions
{
    /// <summary>
    /// The first value at once, then at most one per <paramref name="interval"/>: the latest one, when the interval
    /// since the last sent value has passed. This is <c>@fal-ai/client</c>'s realtime <c>throttleInterval</c> (128 ms
    /// by default, leading edge on); Rx's <c>Throttle</c> is a debounce and <c>Sample</c> delays the first value.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The values, e.g. a text box's changes.</param>
    /// <param name="interval">The least time between two values sent.</param>
    /// <param name="scheduler">Where the wait for the trailing value is scheduled.</param>
    /// <returns>The paced values; on completion a value still waiting is sent first.</returns>
    public static IObservable<T> ThrottleLatest<T>(this IObservable<T> source, TimeSpan interval, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable.Create<T>(observer =>
        {
            var gate = new object();
            var timer = new SerialDisposable();
            DateTimeOffset? lastSent = null;
            var hasPending = false;
            T pending = default!;

            void Send(T value)
            {
                lastSent = scheduler.Now;
                observer.OnNext(value);
            }

            void Flush()
            {
                if (hasPending)
                {
                    hasPending = false;
                    var value = pending;
                    pending = default!;
                    Send(value);
                }
            }

            var subscription = source.Subscribe(
                value =>
                {
                    lock (gate)
                    {
                        var now = scheduler.Now;
                        if (!hasPending && (lastSent is not { } last || now - last >= interval))
                        {
                            Send(value);
                            return;
                        }

                        pending = value; // a later value replaces a waiting one
                        if (!hasPending)
                        {
                            hasPending = true;
                            timer.Disposable = scheduler.Schedule(lastSent!.Value + interval - now, () =>
                            {
                                lock (gate)
                                {
                                    Flush();
                                }
                            });
                        }
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        Flush();
                        observer.OnCompleted();
                    }
                });
            return new CompositeDisposable(subscription, timer);
        });
    }
}
