namespace Fal.Reactive;

/// <summary>
/// The <see cref="FalClient"/> was disposed while a request's statuses were being followed. A submitted
/// request that had not finished was cancelled on fal (<see cref="FalException.RequestId"/> says which); a
/// watched one (<c>FalRequestHandle.Events</c>) is left running, as disposing a watch always does.
/// </summary>
public sealed class FalClientDisposedException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalClientDisposedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public FalClientDisposedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public FalClientDisposedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
