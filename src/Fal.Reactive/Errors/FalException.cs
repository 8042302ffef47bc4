namespace Fal.Reactive;

/// <summary>The base of every error this library reports about fal. Its text never contains the API key.</summary>
public class FalException : Exception
{
    /// <summary>Creates an exception.</summary>
    public FalException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public FalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The request the error concerns, when one had been submitted.</summary>
    public string? RequestId { get; init; }
}
