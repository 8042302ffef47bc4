namespace Fal.Reactive;

// Disposal: every live subscription ended with a typed error, its request cancelled, then the connection released.
public partial class FalClient
{
    /// <summary>
    /// Completes when every cancel that disposed subscriptions have started has been sent and answered (or
    /// given up after its retries), including those still waiting for their submit's request id. A process
    /// about to exit awaits this (or <see cref="DisposeAsync"/>) so that no request is left running on fal.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the cancels go on).</param>
    /// <returns>A task that completes when the cancels are sent.</returns>
    /// <remarks>Bounded: it waits at most <see cref="FalClientOptions.DisposeTimeout"/> on the client's scheduler, however the server stalls.</remarks>
    public virtual Task WhenCancellationsSentAsync(CancellationToken cancellationToken = default) =>
        _context is null ? Task.CompletedTask : WithinDisposeTimeoutAsync(_context.PendingCancellations.WhenAllSentAsync(CancellationToken.None), cancellationToken);

    /// <summary>
    /// Ends every subscription still following a request with <see cref="FalClientDisposedException"/>
    /// (carrying its request id), cancels on fal each submitted request not yet finished (also those whose
    /// submit is still in flight), stops all polling, waits for those cancels and the pending ones (at most
    /// <see cref="FalClientOptions.DisposeTimeout"/> in all, however often it is called), then releases the <see cref="HttpClient"/>.
    /// </summary>
    /// <returns>A task that completes when the client is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await Close().Done.ConfigureAwait(false);
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, blocking: ends every subscription, sends the cancels and waits for them
    /// at most <see cref="FalClientOptions.DisposeTimeout"/> before releasing the <see cref="HttpClient"/>. It
    /// returns at once when nothing is pending. Called from a subscriber's callback, or from code an awaited
    /// request resumed (<c>using var fal</c> after <c>await fal.SubscribeAsync(...)</c>), it does not wait for
    /// that request, which can only go on once the caller returns: its exit still runs, and the
    /// <see cref="HttpClient"/> is released after it (bounded the same way).
    /// On a virtual-time scheduler (a <c>TestScheduler</c>), whose clock moves only when its owner advances
    /// it, it does not block: the <see cref="HttpClient"/> is released once the cancels are sent or the timeout
    /// passes on that clock.
    /// </summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Ends the live subscriptions (see <see cref="Dispose()"/>) and releases the <see cref="HttpClient"/> when the client created it.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        // Cancels still need the connection: it is released after them (bounded), so that
        // `using var fal = new FalClient()` loses none.
        var closing = Close();
        if (!closing.Done.IsCompleted && !ClientShutdown.IsVirtualTime(_context.Scheduler))
        {
            closing.WhenResumableDone().GetAwaiter().GetResult();
        }

        if (closing.Done.IsCompleted)
        {
            ReleaseHttp();
            return;
        }

        closing.Done.ContinueWith(
            static (_, self) => ((FalClient)self!).ReleaseHttp(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Closes the client once: refuses new calls, ends the live subscriptions; their exits and the pending cancels, under one DisposeTimeout.</summary>
    private Closing Close()
    {
        if (Volatile.Read(ref _closing) is { } closing)
        {
            return closing;
        }

        if (_context is null)
        {
            // A client made for mocking has nothing to end or release.
            return Interlocked.CompareExchange(ref _closing, s_nothingToClose, null) ?? s_nothingToClose;
        }

        Task[] exits = [.. _context.LiveRequests.Close(), .. _context.PendingCancellations.Snapshot()];
        closing = new Closing(exits, ClientShutdown.WhenDoneOrTimeout(Task.WhenAll(exits), _context.Scheduler, _context.Options.DisposeTimeout));
        return Interlocked.CompareExchange(ref _closing, closing, null) ?? closing;
    }

    private Task WithinDisposeTimeoutAsync(Task work, CancellationToken cancellationToken) =>
        ClientShutdown.WhenDoneOrTimeout(work, _context.Scheduler, _context.Options.DisposeTimeout).WaitAsync(cancellationToken);

    private void ReleaseHttp()
    {
        if (_http is not null && _ownsHttp && Interlocked.Exchange(ref _httpReleased, 1) == 0)
        {
            _http.Dispose();
        }
    }

    private static readonly Closing s_nothingToClose = new([], Task.CompletedTask);

    /// <summary>What closing left to wait for: the exits of the runs it aborted and the pending cancels; <paramref name="Done"/> when all are done or the DisposeTimeout passed.</summary>
    private sealed record Closing(Task[] Exits, Task Done)
    {
        /// <summary>
        /// Completes with <see cref="Done"/> or once the exits that can go on without this thread have: those of runs
        /// whose observer call is on this thread's stack resume only when the caller returns (waiting for them
        /// would always take the whole DisposeTimeout).
        /// </summary>
        public Task WhenResumableDone()
        {
            var blocked = RequestSubscription.ExitsBlockedByThisThread().ToHashSet();
            return blocked.Count == 0 ? Done : Task.WhenAny(Task.WhenAll(Exits.Where(exit => !blocked.Contains(exit))), Done);
        }
    }
}
