namespace Fal.Reactive.Emulator;

/// <summary>Points a <see cref="FalClient"/> at a running <see cref="FalEmulator"/>.</summary>
public static class FalEmulatorClientExtensions
{
    /// <summary>The key <see cref="CreateClientOptions"/> uses unless given one (the emulator accepts any by default).</summary>
    public const string DefaultKey = "fal-emulator-key";

    /// <summary>Client options whose queue, run and REST hosts are the emulator's.</summary>
    /// <param name="emulator">The running emulator.</param>
    /// <param name="credentials">The key to send; <see cref="DefaultKey"/> when null.</param>
    /// <returns>Options to adjust (poll interval, scheduler) and pass to <see cref="FalClient(FalClientOptions)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="emulator"/> is null.</exception>
    public static FalClientOptions CreateClientOptions(this FalEmulator emulator, FalCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return new FalClientOptions
        {
            Credentials = credentials ?? FalCredentials.FromKey(DefaultKey),
            QueueUrl = emulator.QueueUrl,
            RunUrl = emulator.RunUrl,
            RestUrl = emulator.RestUrl,
        };
    }
}
