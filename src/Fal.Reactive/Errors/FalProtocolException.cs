namespace Fal.Reactive;

/// <summary>
/// fal answered something its protocol does not allow (malformed JSON, an unknown status, a missing
/// field). The request id is kept when it was known, so the request can be looked up or cancelled.
/// </summary>
public sealed class FalProtocolException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalProtocolException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    public FalProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    /// <param name="innerException">The cause (e.g. a <see cref="System.Text.Json.JsonException"/>).</param>
    public FalProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
