namespace Fal.Reactive;

/// <summary>
/// A client-side time limit ran out: a direct run's <see cref="FalRunOptions.Timeout"/>, a stream's
/// <see cref="FalStreamOptions.IdleTimeout"/> (no event for that long), or a followed request's
/// <see cref="FalSubmitOptions.ClientTimeout"/> (the request is then cancelled on fal). The call was abandoned, which ends a
/// direct run on fal's side; <see cref="FalException.RequestId"/> is set when fal had already named the request.
/// </summary>
public sealed class FalTimeoutException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What timed out.</param>
    public FalTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="innerException">The cancellation the time limit caused.</param>
    public FalTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The time limit that ran out.</summary>
    public TimeSpan Timeout { get; init; }
}
