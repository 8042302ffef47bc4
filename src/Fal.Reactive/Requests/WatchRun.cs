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

    private WatchRun(IObserver<FalStatus> observer, StatusPoller poller, IScheduler scheduler)
        : base(observer, scheduler) => _poller = poller;

    /// <summary>A cold observable: each subscription polls with a poller of its own.</summary>
    public static IObservable<FalStatus> Create(Func<StatusPoller> newPoller, IScheduler scheduler) =>
        Observable.Create<FalStatus>(observer =>
        {
            var run = new WatchRun(observer, newPoller(), scheduler);
            run.Start();
            return run;
        });

    protected override Task<Completed?> FollowAsync(CancellationToken token) => PollAsync(_poller, token);
}
