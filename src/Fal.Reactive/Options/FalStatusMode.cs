namespace Fal.Reactive;

/// <summary>How a request's statuses are learned.</summary>
public enum FalStatusMode
{
    /// <summary>Ask for the status every poll interval, one call at a time (fal's official clients' default).</summary>
    Polling = 0,

    /// <summary>Follow fal's server-sent status stream (<c>GET …/status/stream</c>): one call, pushed updates.</summary>
    Streaming = 1,
}
