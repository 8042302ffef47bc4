using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// Task-to-observable bridges that keep a durable request on the thread that completed its step. Rx's <c>FromAsync</c>
/// continues a pending task on the thread pool, and a task completed where a <see cref="SynchronizationContext"/> is current
/// posts its awaiters to the pool: either would race a <c>TestScheduler</c> and make virtual-time runs nondeterministic.
/// </summary>
internal static class InlineTasks
{
    /// <summary>A cold observable of one task per subscription; disposal cancels the token. Emits inline where the task completes.</summary>
    public static IObservable<T> FromAsync<T>(Func<CancellationToken, Task<T>> start) =>
        Observable.Create<T>(observer =>
        {
            var cancel = new CancellationDisposable();
            Task<T> task;
            try
            {
                task = start(cancel.Token);
            }
#pragma warning disable CA1031 // A synchronous throw is the sequence's error, as for a faulted task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                observer.OnError(e);
                return cancel;
            }

            task.ContinueWith(
                static (t, o) =>
                {
                    var target = (IObserver<T>)o!;
                    if (t.IsFaulted)
                    {
                        target.OnError(t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception);
                    }
                    else if (t.IsCanceled)
                    {
                        target.OnError(new OperationCanceledException());
                    }
                    else
                    {
                        target.OnNext(t.Result);
                        target.OnCompleted();
                    }
                },
                observer,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return cancel;
        });

    /// <summary>As Rx's <c>Observable.Create(async (observer, token) => …)</c>: the task's end completes the sequence, inline.</summary>
    public static IObservable<T> Create<T>(Func<IObserver<T>, CancellationToken, Task> run) =>
        Observable.Create<T>(observer =>
        {
            var cancel = new CancellationDisposable();
            FromAsync(async token =>
            {
                await run(observer, token).ConfigureAwait(false);
                return true;
            }).Subscribe(static _ => { }, e =>
            {
                if (!cancel.IsDisposed)
                {
                    observer.OnError(e);
                }
            }, observer.OnCompleted, cancel.Token);
            return cancel;
        });

    /// <summary>The last element (or the error) of a sequence, as a task whose awaiters run where the sequence ended.</summary>
    public static Task<T> LastAsync<T>(IObservable<T> source, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>();
        var last = default(T);
        var any = false;
        var subscription = new SingleAssignmentDisposable();
        var registration = cancellationToken.Register(() =>
        {
            subscription.Dispose();
            InlineContinuations.Run(() => done.TrySetCanceled(cancellationToken));
        });
        subscription.Disposable = source.Subscribe(
            value =>
            {
                last = value;
                any = true;
            },
            error =>
            {
                registration.Dispose();
                InlineContinuations.Run(() => done.TrySetException(error));
            },
            () =>
            {
                registration.Dispose();
                InlineContinuations.Run(() =>
                {
                    if (any)
                    {
                        done.TrySetResult(last!);
                    }
                    else
                    {
                        done.TrySetException(new InvalidOperationException("The sequence has no elements."));
                    }
                });
            });
        return done.Task;
    }
}
