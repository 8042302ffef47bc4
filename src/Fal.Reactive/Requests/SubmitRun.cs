using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// One subscription to <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/>: submits the request, then follows it by polling (or
/// the status stream, falling back to polling) until it completes. Thousands of runs share one HttpClient
/// and one scheduler with no thread or timer of their own.
/// </summary>
/// <remarks>
/// The exit path is the only place a cancel is sent: disposal during the submit POST (whose answer we still
/// await, uncancelled, to learn the request id), during a poll, or between polls all end the same way, with
/// PUT cancel_url for a request the server has not finished.
/// </remarks>
internal sealed class SubmitRun : RequestRun
{
    private readonly FalQueueApi _api;
    private readonly PendingCancellations _pending;
    private readonly FalAppId _app;
    private readonly PreparedInput _input;
    private readonly FalStorage _storage;
    private readonly SubmitSettings _options;
    private readonly TimeSpan _interval;

    // Null until fal has accepted the request; then it knows the request's id and URLs.
    private StatusPoller? _poller;

    private SubmitRun(FalQueueApi api, PendingCancellations pending, IObserver<FalStatus> observer, FalAppId app, PreparedInput input, FalStorage storage, SubmitSettings options)
        : base(observer, options.Scheduler ?? api.Scheduler, api.Runs)
    {
        _api = api;
        _pending = pending;
        _app = app;
        _input = input;
        _storage = storage;
        _options = options;
        _interval = options.PollInterval ?? api.Options.PollInterval;
        Telemetry = api.Diagnostics.ForRequest(app, Scheduler);
    }

    /// <summary>A cold observable: each subscription submits its own request.</summary>
    public static IObservable<FalStatus> Create(FalQueueApi api, PendingCancellations pending, FalAppId app, PreparedInput input, FalStorage storage, SubmitSettings options) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new SubmitRun(api, pending, observer, app, input, storage, options);
            run.Start();
            return run;
        });

    protected override string? KnownRequestId => _poller?.RequestId;

    protected override FalClientDisposedException ClientDisposedError(string? requestId) =>
        new(requestId is null
            ? "The FalClient was disposed while a submit was in flight and fal never answered it: no request id is known, so none could be cancelled."
            : _poller?.ServerDone == true
                ? $"The FalClient was disposed while fetching the result of request {requestId}, which had completed on fal."
                : $"The FalClient was disposed while request {requestId} was in flight: a cancel was sent to fal.")
        {
            RequestId = requestId,
        };

    protected override async Task<Completed?> FollowAsync(CancellationToken token)
    {
        var poller = await SubmitAsync(token).ConfigureAwait(false);
        if (token.IsCancellationRequested)
        {
            return null;
        }

        // Streaming falls back to polling when the stream closes before COMPLETED.
        if (_options.StatusMode == FalStatusMode.Streaming && await FollowStatusStreamAsync(_api, poller, _options.WithLogs, token).ConfigureAwait(false) is { } streamed)
        {
            return await poller.WithResultAsync(async: true, streamed, token).ConfigureAwait(false);
        }

        return token.IsCancellationRequested ? null : await PollAsync(poller, token).ConfigureAwait(false);
    }

    protected override void OnDisposedWhileRunning(Task run) =>
        // Still learning the request id or sending the cancel: let FalClient.DisposeAsync wait for it.
        _pending.Track(run);

    protected override async Task OnExitAsync()
    {
        // No more polls: the loop's reused attempt deadline is released (the cancel below has one of its own).
        _poller?.Dispose();
        if (_poller is not { ServerDone: false } poller)
        {
            return;
        }

        try
        {
            // Retried on transient failures by the transport; never thrown at the (disposed) observer.
            await _api.CancelAsync(async: true, poller.Urls, poller.RequestId, Scheduler, CancellationToken.None, Telemetry).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed best-effort cancel has nowhere to go but the log: the subscriber is gone.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _api.Diagnostics.CancelFailed(poller.RequestId, e);
        }
    }

    private async ValueTask<StatusPoller> SubmitAsync(CancellationToken token)
    {
        _api.Transport.EnsureCredentials();
        // Files in the input are uploaded first; disposal stops that (nothing is submitted yet, nothing to cancel).
        var input = await _input.BodyAsync(_storage, token).ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
        // Not cancelled by disposal: if the server accepts the request we must learn its id to cancel it.
        var answer = await _api.SubmitAsync(_app, input, _options, CancellationToken.None, Telemetry).ConfigureAwait(false);
        Telemetry?.Submitted(answer.RequestId, answer.QueuePosition);
        // After a submit the first poll waits, as every later one does; a fallback from the stream asks at once.
        var poller = new StatusPoller(
            _api, _api.UrlsOf(_app, answer), answer.RequestId, _options.WithLogs, _interval, Scheduler, askAtOnce: _options.StatusMode == FalStatusMode.Streaming, _options.AdaptivePolling, Telemetry);
        _poller = poller;
        // At once, before any status: the id is what a caller needs to find the request again (fal_client's on_enqueue).
        // An exception it throws fails the request, whose exit path then cancels it on the server.
        _options.OnEnqueue?.Invoke(answer.RequestId);
        if (answer.QueuePosition is { } position && !token.IsCancellationRequested)
        {
            EmitIfChanged(new Queued(answer.RequestId, position), token);
        }

        return poller;
    }
}
