namespace Fal.Reactive;

/// <summary>
/// fal refused the realtime connection's credentials: the token fetch answered 401 or 403, or the app answered
/// <c>Unauthorized</c> to a token that had just been fetched (an expired token alone is refreshed silently).
/// </summary>
public sealed class FalRealtimeUnauthorizedException : FalRealtimeException
{
    /// <summary>Creates an exception.</summary>
    public FalRealtimeUnauthorizedException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FalRealtimeUnauthorizedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause (e.g. the <see cref="FalHttpException"/> of the token fetch).</param>
    public FalRealtimeUnauthorizedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
