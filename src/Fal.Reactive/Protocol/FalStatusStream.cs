using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// A request's server-sent status stream as statuses. Each event carries the logs new since the last one,
/// so they are accumulated into the cumulative lists polling reports. A stream silent past
/// <see cref="FalClientOptions.StatusStreamIdleTimeout"/> (keep-alives included) ends with
/// <see cref="FalTimeoutException"/>, which its follower takes as the sign to poll instead.
/// </summary>
internal static class FalStatusStream
{
    public static async IAsyncEnumerable<FalStatus> ReadAsync(
        QueueEndpoint queue, FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, FalRequestTelemetry? telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await queue.OpenStatusStreamAsync(urls, requestId, withLogs, scheduler, cancellationToken, telemetry).ConfigureAwait(false);
        var logs = withLogs ? new List<FalLog>() : null;
        // fal sends keep-alives: a stream silent for longer is dead, and the caller polls instead.
        using var idle = new IdleTimeout(scheduler, queue.Options.StatusStreamIdleTimeout, "The status stream", anyBytesCount: true, "polling takes over.") { RequestId = requestId };
        var events = FalEventStream.ReadAsync(response, queue.Options.MaxStatusBytes, "status stream", requestId, idle, cancellationToken);
        await foreach (var data in events.ConfigureAwait(false))
        {
            yield return WithAllLogs(FalWire.ParseStatus(data, requestId, withLogs), logs);
        }
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
}
