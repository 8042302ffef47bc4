using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// The one status poll loop, step by step: each <see cref="NextAsync"/> waits the interval (fixed, or from <see cref="AdaptivePollInterval"/>) on the scheduler
/// (except the first time when asked to ask at once), polls, and on COMPLETED fetches the result, so the
/// <see cref="Completed"/> it returns carries the output. <c>async: false</c> does synchronous I/O and a
/// blocking scheduler wait, and so completes synchronously.
/// </summary>
/// <remarks>
/// One call is in flight at a time, and the next poll is scheduled after the previous answer. So one wait and
/// one attempt deadline, reused, serve every poll (nothing per poll but the call itself); disposing the poller
/// releases the deadline's pending check, and its owner does so when it stops polling.
/// </remarks>
internal sealed class StatusPoller : IDisposable
{
    private readonly QueueEndpoint _queue;
    private readonly FalRequestUrls _urls;
    private readonly string _requestId;
    private readonly bool _withLogs;
    private readonly TimeSpan _interval;
    private readonly IScheduler _scheduler;
    private readonly AdaptivePollInterval? _adaptive;
    private readonly FalRequestTelemetry? _telemetry;
    private readonly ReusableDelay _delay = new();
    private AttemptDeadline? _deadline;
    private TimeSpan _next;
    private bool _waitFirst;

    public StatusPoller(QueueEndpoint queue, FalRequestUrls urls, string requestId, bool withLogs, TimeSpan interval, IScheduler scheduler, bool askAtOnce, FalAdaptivePolling? adaptive = null, FalRequestTelemetry? telemetry = null)
    {
        _telemetry = telemetry;
        _adaptive = adaptive is null ? null : new AdaptivePollInterval(interval, adaptive);
        _next = _adaptive?.First ?? interval;
        _queue = queue;
        _urls = urls;
        _requestId = requestId;
        _withLogs = withLogs;
        _interval = interval;
        _scheduler = scheduler;
        _waitFirst = !askAtOnce;
    }

    /// <summary>The request's status, result and cancel URLs.</summary>
    public FalRequestUrls Urls => _urls;

    /// <summary>The request's id.</summary>
    public string RequestId => _requestId;

    /// <summary>True once fal has reported COMPLETED: from then on there is nothing left to cancel.</summary>
    public bool ServerDone { get; private set; }

    /// <summary>The next status; a <see cref="Completed"/> carries the result and is the last.</summary>
    /// <remarks>Pooled: a poll that waits allocates no new state machine (the value task is awaited once).</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FalStatus> NextAsync(bool async, CancellationToken cancellationToken)
    {
        if (_waitFirst)
        {
            if (async)
            {
                await _delay.WaitAsync(_scheduler, _next, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                SchedulerDelay.Wait(_scheduler, _next, cancellationToken);
            }
        }

        _waitFirst = true;
        var status = await _queue.StatusAsync(async, _urls, _requestId, _withLogs, _scheduler, cancellationToken, Deadline(async), _telemetry).ConfigureAwait(false);
        // The interval policy sees every answer; without one, every wait is the fixed interval.
        _next = _adaptive?.After(status) ?? _interval;
        return status is Completed completed
            ? await WithResultAsync(async, completed, cancellationToken).ConfigureAwait(false)
            : status;
    }

    /// <summary>Fetches the result of a request fal reported COMPLETED (by a poll or the status stream).</summary>
    public async ValueTask<Completed> WithResultAsync(bool async, Completed completed, CancellationToken cancellationToken)
    {
        ServerDone = true;
        var result = await _queue.ResultAsync(async, _urls, _requestId, _scheduler, cancellationToken, Deadline(async), _telemetry).ConfigureAwait(false);
        return completed with { Result = result };
    }

    /// <summary>Releases the attempt deadline's pending check (a scheduled item that would otherwise outlive the loop by up to a timeout).</summary>
    public void Dispose() => _deadline?.Dispose();

    /// <summary>The reused deadline of the asynchronous calls (a blocking call is bounded by HttpClient.Timeout instead).</summary>
    private AttemptDeadline? Deadline(bool async) =>
        async ? _deadline ??= new AttemptDeadline(_scheduler, _queue.Options.Retry.AttemptTimeout) : null;
}
