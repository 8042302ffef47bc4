namespace Fal.Reactive.Testing;

/// <summary>Wires a <see cref="FalClient"/> to a <see cref="FalSimulator"/>.</summary>
public static class FalSimulatorClientExtensions
{
    /// <summary>The key <see cref="CreateClient"/> uses unless the options carry one.</summary>
    public const string TestKey = "fal-simulator-test-key";

    /// <summary>
    /// Creates a client whose HTTP calls the simulator answers in memory, on the simulator's scheduler and
    /// hosts. Options given are copied; their scheduler, if set, is kept (e.g. one that advances time).
    /// </summary>
    /// <param name="simulator">The simulator.</param>
    /// <param name="options">Client options (poll interval, retry, scheduler, credentials); null for defaults.</param>
    /// <returns>A client; dispose it to release its <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="simulator"/> is null.</exception>
    public static FalClient CreateClient(this FalSimulator simulator, FalClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var wired = new FalClientOptions
        {
            Credentials = options?.Credentials ?? FalCredentials.FromKey(TestKey),
            QueueUrl = simulator.QueueUrl,
            RunUrl = simulator.RunUrl,
            RestUrl = simulator.RestUrl,
            ApiUrl = simulator.ApiUrl,
            PollInterval = options?.PollInterval ?? FalClientOptions.DefaultPollInterval,
            Scheduler = options?.Scheduler ?? simulator.Scheduler,
            Retry = options?.Retry ?? new FalRetryOptions(),
        };
        return new FalClient(new HttpClient(simulator.CreateHandler()), wired, disposeHttpClient: true);
    }
}
