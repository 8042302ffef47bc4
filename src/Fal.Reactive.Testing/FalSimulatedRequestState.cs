namespace Fal.Reactive.Testing;

/// <summary>The life-cycle state of a request held by a <see cref="FalSimulator"/>.</summary>
public enum FalSimulatedRequestState
{
    /// <summary>Waiting for a free worker.</summary>
    Queued,

    /// <summary>A worker is running it.</summary>
    Running,

    /// <summary>Finished with a 2xx result.</summary>
    Completed,

    /// <summary>Finished with an error result (the app failed, or the start timeout expired).</summary>
    Failed,

    /// <summary>Cancelled by the client (a cancel call, or a dropped direct-run connection).</summary>
    Cancelled,
}
