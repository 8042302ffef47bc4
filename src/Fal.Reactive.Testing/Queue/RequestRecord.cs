using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>The simulator's mutable state for one request. Only touched under the simulator's lock.</summary>
internal sealed class RequestRecord
{
    public required string Id { get; init; }

    public required string AppId { get; init; }

    public required string Path { get; init; }

    /// <summary>Gets the <c>[namespace/]owner/alias</c> prefix of the status, result and cancel URLs.</summary>
    public required string OwnerAlias { get; init; }

    public required FalSimulatedRequestKind Kind { get; init; }

    /// <summary>Gets the opaque id of the key that made the request (never the key), when keys are configured; null otherwise.</summary>
    public string? Owner { get; init; }

    /// <summary>Gets or sets the request's place in the arrival-order list, for O(1) removal.</summary>
    public LinkedListNode<RequestRecord>? Node { get; set; }

    public required FalAppScript Script { get; init; }

    public required JsonElement Input { get; init; }

    public bool LowPriority { get; init; }

    public string? Hint { get; init; }

    public string? ObjectLifecycle { get; init; }

    public Uri? WebhookUrl { get; init; }

    public TimeSpan? StartTimeout { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public FalSimulatedRequestState State { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Gets or sets a value indicating whether the script's minimum queue time has passed.</summary>
    public bool QueueTimeElapsed { get; set; }

    public List<EmittedLog> Logs { get; } = [];

    /// <summary>Gets or sets the index of the next script log to emit.</summary>
    public int NextLog { get; set; }

    /// <summary>Gets or sets the index of the next stream event to send.</summary>
    public int NextEvent { get; set; }

    public RequestOutcome? Outcome { get; set; }

    public IDisposable? StartTimeoutTimer { get; set; }

    public IDisposable? QueueTimer { get; set; }

    public IDisposable? RunTimer { get; set; }

    public IDisposable? LogTimer { get; set; }

    public IDisposable? EventTimer { get; set; }

    /// <summary>Gets or sets what answers a direct call once the request has finished.</summary>
    public Action<DeferredActions>? OnFinished { get; set; }

    /// <summary>Gets or sets the open <c>/status/stream</c> calls watching this request; null when there are none.</summary>
    public List<StatusListener>? StatusListeners { get; set; }

    /// <summary>Gets or sets the body of a direct <c>/stream</c> call.</summary>
    public SimulatorEventStream? OutputStream { get; set; }

    /// <summary>Gets the number of scripted faults already answered per kind of call addressing this request.</summary>
    public Dictionary<FalCallKind, int> FaultsAnswered { get; } = [];

    public bool IsFinished => State is FalSimulatedRequestState.Completed or FalSimulatedRequestState.Failed or FalSimulatedRequestState.Cancelled;

    public void DisposeTimers()
    {
        StartTimeoutTimer?.Dispose();
        QueueTimer?.Dispose();
        RunTimer?.Dispose();
        LogTimer?.Dispose();
        EventTimer?.Dispose();
        StartTimeoutTimer = QueueTimer = RunTimer = LogTimer = EventTimer = null;
    }
}
