namespace Fal.Reactive;

/// <summary>No fal key was given and none was found in the environment. Nothing was sent.</summary>
public sealed class MissingCredentialsException : FalException
{
    internal const string DefaultMessage =
        "No fal credentials found. Set the FAL_KEY environment variable (or FAL_KEY_ID and FAL_KEY_SECRET), " +
        "or pass FalClientOptions.Credentials = FalCredentials.FromKey(...).";

    /// <summary>Creates the exception with a message naming the variables to set.</summary>
    public MissingCredentialsException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MissingCredentialsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MissingCredentialsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
