using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// Watches a submitted request (<see cref="FalRequestHandle.Events"/>): polls at once, then every interval,
/// emitting on change. Disposal stops watching and does not cancel the request.
/// </summary>
internal sealed class WatchRun : RequestRun
{
    private readonly StatusPoller _poller;
    private readonly FalQueueApi? _streamFrom;
    private readonly bool _withLogs;

    private WatchRun(IObserver<FalStatus> observer, StatusPoller poller, IScheduler scheduler, LiveRuns live, FalQueueApi? streamFrom, bool withLogs)
        : base(observer, scheduler, live)
    {
        _poller = poller;
        _streamFrom = streamFrom;
        _withLogs = withLogs;
    }

    /// <summary>
    /// A cold observable: each subscription polls with a poller of its own, or first follows the status
    /// stream through <paramref name="streamFrom"/> (polling when it closes early).
    /// </summary>
    public static IObservable<FalStatus> Create(Func<StatusPoller> newPoller, IScheduler scheduler, LiveRuns live, FalQueueApi? streamFrom = null, bool withLogs = false) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new WatchRun(observer, newPoller(), scheduler, live, streamFrom, withLogs);
            run.Start();
            return run;
        });

    protected override string? KnownRequestId => _poller.RequestId;

    protected override FalClientDisposedException ClientDisposedError(string? requestId) =>
        new($"The FalClient was disposed while request {requestId} was watched; watching stopped and the request was left running on fal.") { RequestId = requestId };

    protected override Task OnExitAsync()
    {
        _poller.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<Completed?> FollowAsync(CancellationToken token)
    {
        if (_streamFrom is { } api && await FollowStatusStreamAsync(api, _poller, _withLogs, token).ConfigureAwait(false) is { } streamed)
        {
            return await _poller.WithResultAsync(async: true, streamed, token).ConfigureAwait(false);
        }

        return token.IsCancellationRequested ? null : await PollAsync(_poller, token).ConfigureAwait(false);
    }
}
