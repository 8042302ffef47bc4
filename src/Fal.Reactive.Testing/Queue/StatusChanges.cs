namespace Fal.Reactive.Testing;

/// <summary>
/// What changed in the statuses open status streams show, since they were last sent: the watched requests whose
/// state or logs changed, and whether queue positions moved. The queue model writes it where it changes a request;
/// the status streams read and clear it once per change of the model, so an event goes out at the state change
/// itself and no change costs a look at every open stream. Not thread-safe: used under the simulator's lock.
/// </summary>
internal sealed class StatusChanges
{
    private readonly HashSet<RequestRecord> _requests = [];

    /// <summary>Gets the watched requests changed since the last <see cref="Clear"/>.</summary>
    public IReadOnlyCollection<RequestRecord> Requests => _requests;

    /// <summary>Gets a value indicating whether the queue's order changed (an insert or removal moves the positions behind it).</summary>
    public bool QueueMoved { get; private set; }

    /// <summary>Notes that what <paramref name="record"/>'s status shows changed; ignored when no stream watches it.</summary>
    public void Changed(RequestRecord record)
    {
        if (record.StatusListeners is not null)
        {
            _requests.Add(record);
        }
    }

    /// <summary>Notes that requests entered or left the queue.</summary>
    public void Moved() => QueueMoved = true;

    public void Clear()
    {
        _requests.Clear();
        QueueMoved = false;
    }
}
