using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// A request's server-sent status stream as statuses. Each event carries the logs new since the last one,
/// so they are accumulated into the cumulative lists polling reports.
/// </summary>
internal static class FalStatusStream
{
    public static async IAsyncEnumerable<FalStatus> ReadAsync(
        FalQueueApi api, FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, FalRequestTelemetry? telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await api.OpenStatusStreamAsync(urls, requestId, withLogs, cancellationToken, telemetry).ConfigureAwait(false);
        var logs = withLogs ? new List<FalLog>() : null;
        // fal sends keep-alives: a stream silent for longer is dead, and the caller polls instead.
        var events = FalEventStream.ReadAsync(
            response, api.Options.MaxStatusBytes, "status stream", requestId, scheduler, api.Options.StatusStreamIdleTimeout, cancellationToken);
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
