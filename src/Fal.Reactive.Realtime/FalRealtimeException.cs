namespace Fal.Reactive;

/// <summary>
/// A realtime connection ended with an error: the app sent an error frame (<see cref="Error"/>,
/// <see cref="Reason"/>), or see the subclasses for refused tokens and dropped connections.
/// </summary>
public class FalRealtimeException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalRealtimeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FalRealtimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public FalRealtimeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The app the connection was to, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</summary>
    public string? AppId { get; init; }

    /// <summary>The error code the app sent (<c>error</c> of an <c>x-fal-error</c> frame), when there was one.</summary>
    public string? Error { get; init; }

    /// <summary>The reason the app gave (<c>reason</c> of an <c>x-fal-error</c> frame), when there was one.</summary>
    public string? Reason { get; init; }
}
