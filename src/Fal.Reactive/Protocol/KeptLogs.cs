namespace Fal.Reactive;

/// <summary>
/// The log entries a streamed request keeps: each status-stream event carries the new ones, and the statuses report
/// the newest <see cref="FalClientOptions.MaxLogLines"/> with the count of older ones, as polling does (where
/// <see cref="StatusLogTail"/> keeps them from fal's cumulative answers). Also bounded in size, about as polling is by
/// <see cref="FalClientOptions.MaxStatusBytes"/>: the oldest go first.
/// </summary>
internal sealed class KeptLogs(int maxLines, long maxBytes)
{
    // About the JSON around an entry's texts (keys, quotes, a timestamp), so the size compares with polling's bound.
    private const int EntryOverhead = 64;

    private readonly Queue<FalLog> _kept = new();
    private long _bytes;
    private int _omitted;

    /// <summary>The status with the kept entries (its new ones added) in place of its own.</summary>
    public FalStatus Add(FalStatus status)
    {
        switch (status)
        {
            case InProgress p:
                Add(p.Logs);
                return p with { Logs = [.. _kept], OmittedLogCount = _omitted };
            case Completed c:
                Add(c.Logs);
                return c with { Logs = [.. _kept], OmittedLogCount = _omitted };
            default:
                return status;
        }
    }

    /// <summary>A polled status with the count of entries its answer's reading left out.</summary>
    public static FalStatus WithOmitted(FalStatus status, int omitted) =>
        omitted == 0
            ? status
            : status switch
            {
                InProgress p => p with { OmittedLogCount = omitted },
                Completed c => c with { OmittedLogCount = omitted },
                _ => status,
            };

    private void Add(IReadOnlyList<FalLog>? logs)
    {
        foreach (var log in logs ?? [])
        {
            _kept.Enqueue(log);
            _bytes += Size(log);
            while (_kept.Count > maxLines || (_kept.Count > 0 && _bytes > maxBytes))
            {
                _bytes -= Size(_kept.Dequeue());
                _omitted = _omitted == int.MaxValue ? _omitted : _omitted + 1;
            }
        }
    }

    private static long Size(FalLog log) =>
        EntryOverhead + log.Message.Length + (log.Level?.Length ?? 0) + (log.Source?.Length ?? 0);
}
