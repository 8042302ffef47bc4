namespace Fal.Reactive;

/// <summary>
/// Decides which statuses are news: a change of kind, of queue position or of log count.
/// <see cref="Completed"/> is always news, so it is not asked here.
/// </summary>
internal struct StatusChangeTracker
{
    private Type? _kind;
    private int _position;
    private int _logCount;

    public bool Changed(FalStatus status)
    {
        var kind = status.GetType();
        var position = status is Queued queued ? queued.Position : -1;
        var logCount = status switch
        {
            InProgress p => p.Logs?.Count ?? 0,
            Completed c => c.Logs?.Count ?? 0,
            _ => 0,
        };

        if (kind == _kind && position == _position && logCount == _logCount)
        {
            return false;
        }

        (_kind, _position, _logCount) = (kind, position, logCount);
        return true;
    }
}
