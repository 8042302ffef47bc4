namespace Fal.Reactive;

/// <summary>Disposal: every live subscription ended with a typed error, its request cancelled, then the connection released.</summary>
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
        WithinDisposeTimeoutAsync(_context.PendingCancellations.WhenAllSentAsync(CancellationToken.None), cancellationToken);

    /// <summary>
    /// Ends every subscription still following a request with <see cref="FalClientDisposedException"/>
    /// (carrying its request id), cancels on fal each submitted request not yet finished (also those whose
    /// submit is still in flight), stops all polling, waits for those cancels and the pending ones (at most
    /// <see cref="FalClientOptions.DisposeTimeout"/>), then releases the <see cref="HttpClient"/>.
    /// </summary>
    /// <returns>A task that completes when the client is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await WithinDisposeTimeoutAsync(Close(), CancellationToken.None).ConfigureAwait(false);
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// As <see cref="DisposeAsync"/>, blocking: ends every subscription, sends the cancels and waits for them
    /// at most <see cref="FalClientOptions.DisposeTimeout"/> before releasing the <see cref="HttpClient"/>.
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
        var exits = Close();
        if (exits.IsCompleted)
        {
            ReleaseHttp();
            return;
        }

        var scheduler = _context.Scheduler;
        var timeout = _context.Options.DisposeTimeout;
        if (ClientShutdown.IsVirtualTime(scheduler))
        {
            ClientShutdown.WhenDoneOrTimeout(exits, scheduler, timeout).ContinueWith(
                static (_, self) => ((FalClient)self!).ReleaseHttp(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        ClientShutdown.Wait(exits, scheduler, timeout);
        ReleaseHttp();
    }

    /// <summary>Closes the client once: refuses new calls, ends the live subscriptions; their exits and the pending cancels.</summary>
    private Task Close()
    {
        if (Volatile.Read(ref _exits) is { } closing)
        {
            return closing;
        }

        var exits = Task.WhenAll([.. _context.LiveRequests.Close(), _context.PendingCancellations.WhenAllSentAsync(CancellationToken.None)]);
        return Interlocked.CompareExchange(ref _exits, exits, null) ?? exits;
    }

    private Task WithinDisposeTimeoutAsync(Task work, CancellationToken cancellationToken) =>
        ClientShutdown.WhenDoneOrTimeout(work, _context.Scheduler, _context.Options.DisposeTimeout).WaitAsync(cancellationToken);

    private void ReleaseHttp()
    {
        if (_ownsHttp && Interlocked.Exchange(ref _httpReleased, 1) == 0)
        {
            _http.Dispose();
        }
    }
}
