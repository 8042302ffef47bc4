using System.Runtime.ExceptionServices;

namespace Fal.Reactive;

/// <summary>
/// The observer end of a subscription, as Rx's <c>Sink</c>: it only enforces the observer grammar
/// (<c>OnNext* (OnError | OnCompleted)?</c>: one terminal notification, nothing after it) and mutes on
/// <see cref="Dispose()"/>. What is forwarded, and when, is the subscription's.
/// </summary>
/// <remarks>
/// An exception the observer throws is not the producer's failure: as Rx's safeguard does, the sink disposes the
/// subscription (so a request is cancelled as if its subscriber had left), keeps the exception
/// (<see cref="ObserverFault"/>) and rethrows it so that the producer's work unwinds; the producer surfaces it
/// where Rx would, on the scheduler, once its own exit path has run.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal abstract class Sink<T> : IDisposable
{
    private const int Open = 0, Terminated = 1, Disposed = 2, Faulted = 3;

    // The sinks whose observer call is on this thread's stack, innermost last. Code that runs inside such a call
    // (a subscriber's callback, or the continuation of an awaited request run inline by its completion) must not
    // block on those subscriptions' exits: they resume only once that code returns. FalClient.Dispose reads it.
    [ThreadStatic]
    private static List<Sink<T>>? t_calling;
    private readonly IObserver<T> _observer;
    private int _state;
    private ExceptionDispatchInfo? _observerFault;

    protected Sink(IObserver<T> observer) => _observer = observer;

    /// <summary>True once the subscription was disposed: nothing reaches the observer any more.</summary>
    protected bool IsDisposed => Volatile.Read(ref _state) == Disposed;

    /// <summary>True once nothing more may reach the observer (terminated, disposed or the observer threw).</summary>
    protected bool IsMuted => Volatile.Read(ref _state) != Open;

    /// <summary>The sinks whose observer call is on this thread's stack.</summary>
    protected static IReadOnlyList<Sink<T>> CallingOnThisThread => t_calling ?? [];

    /// <summary>The exception the observer threw, if it did.</summary>
    protected ExceptionDispatchInfo? ObserverFault => Volatile.Read(ref _observerFault);

    /// <summary>Mutes the sink (the observer gets nothing more), then lets the subscription stop its work.</summary>
    public void Dispose()
    {
        // Muted first: what stopping the work causes reaches no one.
        Interlocked.CompareExchange(ref _state, Disposed, Open);
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Forwards an element, unless the sink is muted.</summary>
    protected void ForwardOnNext(T value)
    {
        if (Volatile.Read(ref _state) == Open)
        {
            Call(value, static (o, v) => o.OnNext(v));
        }
    }

    /// <summary>Forwards the last element and completion as one terminal notification; false when the sink was muted.</summary>
    protected bool ForwardLast(T value)
    {
        if (Interlocked.CompareExchange(ref _state, Terminated, Open) != Open)
        {
            return false;
        }

        Call(value, static (o, v) => o.OnNext(v));
        Call(value, static (o, _) => o.OnCompleted());
        return true;
    }

    /// <summary>Forwards the terminal error; false when the sink was muted.</summary>
    protected bool ForwardOnError(Exception error)
    {
        if (Interlocked.CompareExchange(ref _state, Terminated, Open) != Open)
        {
            return false;
        }

        Call(error, static (o, e) => o.OnError(e));
        return true;
    }

    /// <summary>Stops the subscription's work (the sink is already muted).</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);

    private void Call<TValue>(TValue value, Action<IObserver<T>, TValue> call)
    {
        var calling = t_calling ??= [];
        calling.Add(this);
        try
        {
            call(_observer, value);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _observerFault, ExceptionDispatchInfo.Capture(e), null);
            // After Terminated too: an observer that threw in OnNext of the last element gets no OnCompleted.
            Volatile.Write(ref _state, Faulted);
            Dispose();
            throw;
        }
        finally
        {
            calling.RemoveAt(calling.Count - 1);
        }
    }
}
