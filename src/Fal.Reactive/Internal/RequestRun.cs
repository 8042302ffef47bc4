using System.Net.ServerSentEvents;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Runtime.ExceptionServices;
using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// One subscription to a request: optionally submit it, then poll its status on the scheduler until it
/// completes. One HTTP call is in flight at a time and the next poll is scheduled one interval after the
/// previous answer, so thousands of runs share one HttpClient and one scheduler with no thread or timer
/// of their own.
/// </summary>
/// <remarks>
/// Disposal cancels the token; the loop then leaves, and on its way out a submitted request that the
/// server has not finished is cancelled with PUT cancel_url. That exit path is the only place a cancel
/// is sent, so disposal during the submit POST (whose answer we still await, uncancelled, to learn the
/// request id), during a poll, or between polls all end the same way.
/// </remarks>
internal sealed class RequestRun : IDisposable
{
    private readonly FalPipeline _pipeline;
    private readonly IObserver<FalStatus> _observer;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _interval;
    private readonly bool _withLogs;
    private readonly FalStatusMode _statusMode;
    private readonly CancellationTokenSource _disposed = new();

    // Submit mode: what to submit. Watch mode: null, and the request is already known.
    private readonly FalAppId _app;
    private readonly byte[]? _input;
    private readonly FalSubmitOptions? _submitOptions;

    private Task? _run;
    private string? _requestId;
    private FalRequestUrls? _urls;
    private bool _serverDone;
    private StatusChangeTracker _tracker;
    private ExceptionDispatchInfo? _observerFault;

    private RequestRun(FalPipeline pipeline, IObserver<FalStatus> observer, FalAppId app, IScheduler scheduler, TimeSpan interval, bool withLogs, FalStatusMode statusMode = FalStatusMode.Polling)
    {
        _statusMode = statusMode;
        _pipeline = pipeline;
        _observer = observer;
        _app = app;
        _scheduler = scheduler;
        _interval = interval;
        _withLogs = withLogs;
    }

    private RequestRun(FalPipeline pipeline, IObserver<FalStatus> observer, FalAppId app, byte[] input, FalSubmitOptions options)
        : this(pipeline, observer, app, options.Scheduler ?? pipeline.Scheduler, options.PollInterval ?? pipeline.Options.PollInterval, options.WithLogs, options.StatusMode)
    {
        _input = input;
        _submitOptions = options;
    }

    /// <summary>A cold observable: each subscription submits its own request.</summary>
    public static IObservable<FalStatus> Submit(FalPipeline pipeline, FalAppId app, byte[] input, FalSubmitOptions options) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new RequestRun(pipeline, observer, app, input, options);
            run.Start();
            return run;
        });

    /// <summary>Watches a submitted request. Disposal stops watching and does not cancel the request.</summary>
    public static IObservable<FalStatus> Watch(
        FalPipeline pipeline, FalAppId app, string requestId, FalRequestUrls urls, bool withLogs, TimeSpan interval, IScheduler scheduler) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new RequestRun(pipeline, observer, app, scheduler, interval, withLogs)
            {
                _requestId = requestId,
                _urls = urls,
            };
            run.Start();
            return run;
        });

    public void Dispose()
    {
        // The loop's exit path (and so the server-side cancel) runs inline here where the I/O allows.
        InlineContinuations.Run(_disposed, static d => d.Cancel());
        if (_submitOptions is not null && _run is { IsCompleted: false } run)
        {
            // Still learning the request id or sending the cancel: let FalClient.DisposeAsync wait for it.
            _pipeline.TrackCancellation(run);
        }
    }

    // RunAsync catches everything, so the task never faults, observed or not.
    private void Start() => _run = RunAsync();

    private async Task RunAsync()
    {
        var token = _disposed.Token;
        var watching = _submitOptions is null;
        try
        {
            if (!watching)
            {
                await SubmitAsync().ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    return;
                }
            }

            // Streaming mode falls back to polling when the stream closes before COMPLETED.
            var completed = _statusMode == FalStatusMode.Streaming ? await StreamUntilCompletedAsync(token).ConfigureAwait(false) : null;
            if (completed is null && !token.IsCancellationRequested)
            {
                // A watcher (or a fallback) asks at once; after a submit the first poll waits, as every later one does.
                completed = await PollUntilCompletedAsync(askAtOnce: watching || _statusMode == FalStatusMode.Streaming, token).ConfigureAwait(false);
            }

            if (completed is null)
            {
                return; // disposed by the observer of a status
            }

            _serverDone = true;
            var result = await _pipeline.ResultAsync(async: true, _urls!, _requestId!, _scheduler, token).ConfigureAwait(false);
            Emit(completed with { Result = result });
            CallObserver(0, static (o, _) => o.OnCompleted());
        }
        catch (Exception) when (token.IsCancellationRequested || _observerFault is not null)
        {
            // Disposed: whatever the interrupted call threw has no one to go to. (An exception the observer
            // threw is kept in _observerFault and rethrown below.)
        }
        catch (Exception e)
        {
            try
            {
                _observer.OnError(e);
            }
            catch (Exception fromObserver)
            {
                _observerFault = ExceptionDispatchInfo.Capture(fromObserver);
            }
        }
        finally
        {
            if (!watching && _requestId is not null && !_serverDone)
            {
                await CancelOnServerAsync().ConfigureAwait(false);
            }

            if (_observerFault is { } fault)
            {
                // As Rx does for an observer that throws in scheduled work: the exception surfaces on the
                // scheduler (a TestScheduler rethrows it from AdvanceBy), after the cancel went out.
                _scheduler.Schedule(fault, static (_, f) =>
                {
                    f.Throw();
                    return Disposable.Empty;
                });
            }
        }
    }

    /// <summary>Emits a status that is news; false when its observer disposed the subscription.</summary>
    private bool EmitIfChanged(FalStatus status, CancellationToken token)
    {
        if (_tracker.Changed(status))
        {
            Emit(status);
        }

        return !token.IsCancellationRequested;
    }

    private void Emit(FalStatus status) => CallObserver(status, static (o, s) => o.OnNext(s));

    /// <summary>Calls the observer, remembering an exception it throws so that it is not taken for a failure of the request.</summary>
    private void CallObserver<T>(T value, Action<IObserver<FalStatus>, T> call)
    {
        try
        {
            call(_observer, value);
        }
        catch (Exception e)
        {
            _observerFault ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    /// <summary>Polls until COMPLETED; null when a status's observer disposed the subscription.</summary>
    private async Task<Completed?> PollUntilCompletedAsync(bool askAtOnce, CancellationToken token)
    {
        for (var first = true; ; first = false)
        {
            if (!(askAtOnce && first))
            {
                await SchedulerDelay.Delay(_scheduler, _interval, token).ConfigureAwait(false);
            }

            var status = await _pipeline.StatusAsync(async: true, _urls!, _requestId!, _withLogs, _scheduler, token).ConfigureAwait(false);
            if (status is Completed completed)
            {
                return completed;
            }

            if (!EmitIfChanged(status, token))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Follows the server-sent status stream until COMPLETED. Each event carries the logs new since the last
    /// one, so they are accumulated into the cumulative lists polling reports. Null when the stream closed
    /// early (the caller polls instead) or a status's observer disposed the subscription.
    /// </summary>
    private async Task<Completed?> StreamUntilCompletedAsync(CancellationToken token)
    {
        try
        {
            return await FollowStatusStreamAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (!token.IsCancellationRequested && _observerFault is null && e is HttpRequestException or IOException or FalHttpException)
        {
            // The stream failed to open or broke: polling, with its retries and typed errors, takes over.
            return null;
        }
    }

    private async Task<Completed?> FollowStatusStreamAsync(CancellationToken token)
    {
        using var response = await _pipeline.OpenStatusStreamAsync(_urls!, _requestId!, _withLogs, token).ConfigureAwait(false);
        using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        var logs = _withLogs ? new List<FalLog>() : null;
        // Events are parsed from their UTF-8 bytes as they are; keep-alive comments never reach here.
        await foreach (var item in SseParser.Create(body, static (_, data) => data.ToArray()).EnumerateAsync(token).ConfigureAwait(false))
        {
            if (item.Data.Length == 0)
            {
                continue;
            }

            var status = WithAllLogs(FalWire.ParseStatus(item.Data, _requestId!, _withLogs), logs);
            if (status is Completed completed)
            {
                return completed;
            }

            if (!EmitIfChanged(status, token))
            {
                return null;
            }
        }

        return null;
    }

    private static FalStatus WithAllLogs(FalStatus status, List<FalLog>? all)
    {
        if (all is null)
        {
            return status;
        }

        switch (status)
        {
            case InProgress p:
                all.AddRange(p.Logs ?? []);
                return p with { Logs = [.. all] };
            case Completed c:
                all.AddRange(c.Logs ?? []);
                return c with { Logs = [.. all] };
            default:
                return status;
        }
    }

    private async Task SubmitAsync()
    {
        _pipeline.EnsureCredentials();
        // Not cancelled by disposal: if the server accepts the request we must learn its id to cancel it.
        var answer = await _pipeline.SubmitAsync(async: true, _app, _input!, _submitOptions!, CancellationToken.None).ConfigureAwait(false);
        _requestId = answer.RequestId;
        var computed = FalRequestUrls.Compute(_pipeline.Options.QueueUrl, _app, answer.RequestId);
        _urls = FalRequestUrls.Choose(computed, _pipeline.Options.QueueUrl, answer.StatusUrl, answer.ResponseUrl, answer.CancelUrl);
        if (answer.QueuePosition is { } position && !_disposed.IsCancellationRequested)
        {
            var queued = new Queued(answer.RequestId, position);
            _tracker.Changed(queued);
            Emit(queued);
        }
    }

    private async Task CancelOnServerAsync()
    {
        try
        {
            // Retried on transient failures by the pipeline; never thrown at the (disposed) observer.
            await _pipeline.CancelAsync(async: true, _urls!, _requestId!, _scheduler, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed best-effort cancel has nowhere to go: the subscriber is gone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
