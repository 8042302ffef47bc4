namespace Fal.Reactive;

/// <summary>A durable request that could not go on for a reason of the journal's (the key and, when known, the request id say which).</summary>
public sealed class FalJournalException : FalException
{
    /// <summary>An error with a default message.</summary>
    public FalJournalException()
    {
    }

    /// <summary>An error with a message.</summary>
    /// <param name="message">The message.</param>
    public FalJournalException(string message)
        : base(message)
    {
    }

    /// <summary>An error with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FalJournalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the key concerned.</summary>
    public string? Key { get; init; }

    /// <summary>Gets why the request could not go on.</summary>
    public FalJournalFailure Failure { get; init; }
}
