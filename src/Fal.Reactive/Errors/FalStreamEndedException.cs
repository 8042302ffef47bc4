namespace Fal.Reactive;

/// <summary>
/// A streaming run ended before its final event: the connection broke, fal closed the stream without
/// sending anything, or the last event it sent was still marked <c>"partial": true</c>. The request id
/// (from <c>x-fal-request-id</c>) is kept when fal sent it.
/// </summary>
public sealed class FalStreamEndedException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalStreamEndedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">How the stream ended.</param>
    public FalStreamEndedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">How the stream ended.</param>
    /// <param name="innerException">The I/O error that broke the stream, if any.</param>
    public FalStreamEndedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many events arrived before the stream ended.</summary>
    public int EventCount { get; init; }
}
