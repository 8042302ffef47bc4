namespace Fal.Reactive;

/// <summary>
/// The one idle timeout of the client's server-sent streams (the status stream, a streaming run): a stream that
/// brings nothing for longer than <see cref="Limit"/> while the client waits on it is abandoned with
/// <see cref="FalTimeoutException"/>. Timed on the scheduler, on one reused <see cref="AttemptDeadline"/>: a wait
/// starts with the first read after the last arrival (<see cref="Watch"/>) and ends at the next arrival
/// (<see cref="Arrived"/>), so no timer or cancellation source is made per read or per event, and the time the
/// consumer spends with an event is not the stream's idleness.
/// </summary>
/// <remarks>
/// The message reads "{subject} (request {id}) sent no event for 10 s: {consequence}".
/// What counts as an arrival is the stream's: for the status stream any bytes (fal's keep-alives prove the
/// connection alive; its statuses come when the queue moves), for a streaming run an event with data (a run
/// whose app hangs behind keep-alives is stuck).
/// </remarks>
internal sealed class IdleTimeout(System.Reactive.Concurrency.IScheduler scheduler, TimeSpan limit, string subject, bool anyBytesCount, string consequence) : IDisposable
{
    private readonly AttemptDeadline _deadline = new(scheduler, limit);
    private CancellationToken _token;
    private bool _waiting;

    /// <summary>Whether any bytes (keep-alives too) end a wait, or only an event with data.</summary>
    public bool AnyBytesCount => anyBytesCount;

    /// <summary>The longest silence.</summary>
    public TimeSpan Limit => limit;

    /// <summary>The stream's request, once fal has named it (the error carries it).</summary>
    public string? RequestId { get; set; }

    /// <summary>True once the silence lasted longer than <see cref="Limit"/>.</summary>
    public bool Expired => _deadline.Expired;

    /// <summary>
    /// The token of a read: the wait starts with the first read since the last arrival and goes on across reads
    /// until one brings something; cancelled by <paramref name="cancellationToken"/> (the same for every read of
    /// the stream) or when the wait lasts longer than <see cref="Limit"/>.
    /// </summary>
    public CancellationToken Watch(CancellationToken cancellationToken)
    {
        if (!_waiting)
        {
            _token = _deadline.Begin(cancellationToken);
            _waiting = true;
        }

        return _token;
    }

    /// <summary>Something arrived: the wait is over (the next read starts another).</summary>
    public void Arrived()
    {
        if (_waiting)
        {
            _waiting = false;
            _deadline.End();
        }
    }

    /// <summary>The error of a stream this timeout ended (<paramref name="inner"/>: the cancellation it caused).</summary>
    public FalTimeoutException TimedOut(Exception inner)
    {
        var of = RequestId is null ? string.Empty : $" (request {RequestId})";
        var silence = anyBytesCount ? "nothing, not even a keep-alive," : "no event";
        return new FalTimeoutException($"{subject}{of} sent {silence} for {limit.TotalSeconds:0.###} s: {consequence}", inner) { RequestId = RequestId, Timeout = limit };
    }

    public void Dispose() => _deadline.Dispose();
}
