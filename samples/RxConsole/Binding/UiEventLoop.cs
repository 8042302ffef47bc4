using System.Collections.Concurrent;

namespace RxConsole.Binding;

/// <summary>
/// A single-threaded event loop with its own <see cref="SynchronizationContext"/>: a small stand-in for the
/// UI thread of WPF (Dispatcher), Avalonia or MAUI. Everything posted to it runs, in order, on one thread.
/// </summary>
internal sealed class UiEventLoop : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
    private readonly Thread _thread;

    public UiEventLoop(string name)
    {
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>The managed id of the loop's thread.</summary>
    public int ThreadId => _thread.ManagedThreadId;

    public bool IsOnLoopThread => Environment.CurrentManagedThreadId == ThreadId;

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (IsOnLoopThread)
        {
            d(state);
            return;
        }

        InvokeAsync(() => d(state)).GetAwaiter().GetResult();
    }

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> on the loop and completes when it has.</summary>
    public Task InvokeAsync(Action action) => InvokeAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs <paramref name="func"/> on the loop and returns its value.</summary>
    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(_ =>
        {
            try
            {
                done.SetResult(func());
            }
#pragma warning disable CA1031 // handed to the awaiting caller
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        }, null);
        return done.Task;
    }

    /// <summary>Runs what is queued, then stops the loop.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (!IsOnLoopThread)
        {
            _thread.Join();
        }

        _queue.Dispose();
    }

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            callback(state);
        }
    }
}
