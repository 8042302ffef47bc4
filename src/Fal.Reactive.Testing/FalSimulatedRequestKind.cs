namespace Fal.Reactive.Testing;

/// <summary>How a request reached the simulator.</summary>
public enum FalSimulatedRequestKind
{
    /// <summary>Submitted to the queue host; waits for a worker.</summary>
    Queue,

    /// <summary>A direct call to the run host; starts at once, outside the worker pool.</summary>
    Run,

    /// <summary>A direct streaming call (<c>/stream</c>) to the run host; starts at once, outside the worker pool.</summary>
    Stream,
}
