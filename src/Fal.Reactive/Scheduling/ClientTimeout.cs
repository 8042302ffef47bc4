using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// <see cref="FalSubmitOptions.ClientTimeout"/>: one deadline on the whole followed request, as fal_client's
/// <c>subscribe(client_timeout=…)</c>. On expiry the request's subscription is disposed, which cancels it on fal (the
/// subscription's exit sends the cancel, also once a submit still in flight has answered), and the sequence ends with
/// <see cref="FalTimeoutException"/> carrying the id of the request, when fal had named it.
/// </summary>
internal static class ClientTimeout
{
    public static IObservable<FalStatus> Bound(IObservable<FalStatus> statuses, TimeSpan limit, IScheduler scheduler) =>
        Observable.Defer(() =>
        {
            string? requestId = null;
            // An absolute deadline: Rx's Timeout(TimeSpan) restarts at each status; this one bounds the whole request.
            var due = scheduler.Now + limit;
            return statuses
                .Do(status => Volatile.Write(ref requestId, status.RequestId))
                .Timeout(due, Observable.Defer(() => Observable.Throw<FalStatus>(Expired(limit, Volatile.Read(ref requestId)))), scheduler);
        });

    private static FalTimeoutException Expired(TimeSpan limit, string? requestId) =>
        new(requestId is null
            ? $"The request did not complete within its client timeout of {limit}; it is cancelled on fal once the submit answers."
            : $"Request {requestId} did not complete within its client timeout of {limit}; it was cancelled on fal.")
        {
            Timeout = limit,
            RequestId = requestId,
        };
}
