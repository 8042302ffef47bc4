using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Fal.Reactive;

/// <summary>
/// The deadline of each attempt of a caller's calls, on the caller's scheduler (so virtual time drives it as
/// every other wait): <see cref="Begin"/> gives a token that is cancelled when the caller's is, or when the
/// attempt has taken longer than the timeout.
/// </summary>
/// <remarks>
/// A caller that makes its calls one at a time (a poll loop's status and result calls, a server-sent stream's
/// reads), each far shorter than the timeout, needs one instance for all of them: the cancellation source is reset between attempts instead of made anew, and the scheduled check is
/// armed once per timeout rather than once per attempt. When it fires during a later attempt than the one that
/// armed it, it is re-armed for what is left of that attempt (read on the scheduler's clock, at most one
/// timeout). Per poll this allocates nothing; the cost it replaces was a linked source, a scheduled item and a
/// timer per attempt.
/// </remarks>
internal sealed class AttemptDeadline : IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _timeout;
    private readonly object _gate = new();
    private CancellationTokenSource? _source;
    private CancellationToken _linkedTo;
    private CancellationTokenSource? _expiredSource;
    private IDisposable? _check;
    private DateTimeOffset _attemptStart;
    private bool _inAttempt;
    private bool _expired;
    private bool _disposed;

    public AttemptDeadline(IScheduler scheduler, TimeSpan timeout)
    {
        _scheduler = scheduler;
        _timeout = timeout;
    }

    /// <summary>True when the deadline cancelled the current (or last) attempt.</summary>
    public bool Expired
    {
        get
        {
            lock (_gate)
            {
                return _expired;
            }
        }
    }

    /// <summary>Starts an attempt: its token, cancelled by <paramref name="cancellationToken"/> or the deadline.</summary>
    public CancellationToken Begin(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Reused while the caller's token is the same and nothing cancelled it (TryReset refuses a cancelled source).
            if (_source is null || _linkedTo != cancellationToken || !_source.TryReset())
            {
                _source?.Dispose();
                _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _linkedTo = cancellationToken;
            }

            _expired = false;
            _inAttempt = true;
            _attemptStart = _scheduler.Now;
            _check ??= _scheduler.Schedule(this, _timeout, static (scheduler, self) => self.Check(scheduler));
            return _source.Token;
        }
    }

    /// <summary>Ends the attempt <see cref="Begin"/> started.</summary>
    /// <remarks>
    /// Lock-free, as it runs after every call: a check that read the attempt as running just before this may
    /// still expire it, which cancels a source no call uses any more (disposed here or by the next End).
    /// </remarks>
    public void End()
    {
        Volatile.Write(ref _inAttempt, false);
        if (Volatile.Read(ref _expiredSource) is not null)
        {
            Interlocked.Exchange(ref _expiredSource, null)?.Dispose();
        }
    }

    public void Dispose()
    {
        IDisposable? check;
        CancellationTokenSource? source, expired;
        lock (_gate)
        {
            _disposed = true;
            (check, source) = (_check, _source);
            (_check, _source) = (null, null);
            expired = Interlocked.Exchange(ref _expiredSource, null);
        }

        check?.Dispose();
        source?.Dispose();
        expired?.Dispose();
    }

    private IDisposable Check(IScheduler scheduler)
    {
        CancellationTokenSource? victim = null;
        lock (_gate)
        {
            _check = null;
            if (_disposed || !Volatile.Read(ref _inAttempt))
            {
                // Nothing running: the next attempt arms the check anew.
                return Disposable.Empty;
            }

            var left = _attemptStart + _timeout - scheduler.Now;
            if (left > TimeSpan.Zero)
            {
                // Armed by an earlier attempt: wait out what is left of this one (never more than a timeout, whatever the clock did).
                _check = scheduler.Schedule(this, left < _timeout ? left : _timeout, static (s, self) => self.Check(s));
                return Disposable.Empty;
            }

            // The source leaves the instance, so no later attempt can reuse (and be cancelled through) it; End disposes it.
            _expired = true;
            victim = _source;
            Interlocked.Exchange(ref _expiredSource, victim)?.Dispose();
            _source = null;
        }

        try
        {
            // Inline, so that under a TestScheduler the abandoned attempt unwinds at this very tick.
            InlineContinuations.Run(victim!, static c => c.Cancel());
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended as the deadline came.
        }

        return Disposable.Empty;
    }
}
