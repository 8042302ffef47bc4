namespace Fal.Reactive;

/// <summary>No fal key was given and none was found in the environment. Nothing was sent.</summary>
public sealed class MissingCredentialsException : FalException
{
    internal const string DefaultMessage =
        "No fal credentials found. Set the FAL_KEY environment variable (or FAL_KEY_ID and FAL_KEY_SECRET), " +
        "or pass FalClientOptions.Credentials = FalCredentials.FromKey(...). " +
        "For local work with no account, run the emulator (fal-emulator, or FalEmulator.StartAsync in-process), " +
        "set FAL_EMULATOR_URL=http://127.0.0.1:8765 and any FAL_KEY.";

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
