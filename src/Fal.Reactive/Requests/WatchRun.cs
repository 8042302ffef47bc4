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

    private WatchRun(IObserver<FalStatus> observer, StatusPoller poller, IScheduler scheduler, LiveRuns live)
        : base(observer, scheduler, live) => _poller = poller;

    protected override string? KnownRequestId => _poller.RequestId;

    /// <summary>A cold observable: each subscription polls with a poller of its own.</summary>
    public static IObservable<FalStatus> Create(Func<StatusPoller> newPoller, IScheduler scheduler, LiveRuns live) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new WatchRun(observer, newPoller(), scheduler, live);
            run.Start();
            return run;
        });

    protected override Task<Completed?> FollowAsync(CancellationToken token) => PollAsync(_poller, token);

    protected override FalClientDisposedException ClientDisposedError(string? requestId) =>
        new($"The FalClient was disposed while request {requestId} was watched; watching stopped and the request was left running on fal.") { RequestId = requestId };
}
