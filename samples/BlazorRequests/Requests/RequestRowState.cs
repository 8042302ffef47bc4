namespace BlazorRequests.Requests;

/// <summary>Where a row's request stands, as the page shows it.</summary>
public enum RequestRowState
{
    /// <summary>In the batch, waiting for a free slot of <c>Merge(n)</c>: not submitted yet.</summary>
    Waiting,

    /// <summary>Subscribed: the submit is in flight.</summary>
    Submitting,

    /// <summary>In fal's queue.</summary>
    Queued,

    /// <summary>Running on a worker.</summary>
    Running,

    /// <summary>Completed with a result.</summary>
    Completed,

    /// <summary>Ended with a typed error.</summary>
    Failed,

    /// <summary>The per-request deadline passed: disposed, so cancelled on fal.</summary>
    DeadlinePassed,

    /// <summary>The user cancelled it: disposed, so cancelled on fal.</summary>
    Cancelled,
}
