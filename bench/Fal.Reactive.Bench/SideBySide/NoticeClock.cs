using System.Collections.Concurrent;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// When each request's completion reached the worker, in Unix milliseconds of the machine clock (the emulator's
/// <c>completed_at</c> is on the same clock): <see cref="Notices"/> when the user saw it (the <c>Completed</c> with
/// its result, the awaited webhook), <see cref="Events"/> when the push itself arrived (the status stream's
/// COMPLETED event, the webhook POST), before the result GET or the signature check.
/// </summary>
internal sealed class NoticeClock
{
    public ConcurrentDictionary<string, double> Notices { get; } = new();

    public ConcurrentDictionary<string, double> Events { get; } = new();

    /// <summary>Whether to record: off during the warm-up.</summary>
    public bool On { get; set; }

    public static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public void Notice(string id) => Record(Notices, id);

    public void Event(string id) => Record(Events, id);

    private void Record(ConcurrentDictionary<string, double> into, string id)
    {
        if (On)
        {
            into.TryAdd(id, Now());
        }
    }
}
