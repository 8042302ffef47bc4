
namespace Fal.Reactive.Testing;

/// <summary>Wires a <see cref="FalClient"/> to a <see cref="FalRealtimeSimulator"/>.</summary>
public static class FalRealtimeSimulatorClientExtensions
{
    /// <summary>
    /// Creates a client whose token requests and realtime sockets the simulator answers in memory, on its scheduler
    /// and hosts (other calls get 404): the client's own <c>ClientWebSocket</c> connects through the simulator's
    /// handler and speaks WebSocket over an in-memory connection. Options given are copied; their scheduler, if set,
    /// is kept.
    /// </summary>
    /// <param name="simulator">The simulator.</param>
    /// <param name="options">Client options (credentials, retry, scheduler); null for defaults.</param>
    /// <returns>A client; dispose it to release its <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="simulator"/> is null.</exception>
    public static FalClient CreateClient(this FalRealtimeSimulator simulator, FalClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var wired = new FalClientOptions
        {
            Credentials = options?.Credentials ?? FalCredentials.FromKey(FalSimulatorClientExtensions.TestKey),
            RunUrl = simulator.RunUrl,
            RestUrl = simulator.RestUrl,
            Scheduler = options?.Scheduler ?? simulator.Scheduler,
            Retry = options?.Retry ?? new FalRetryOptions(),
        };
        return new FalClient(new HttpClient(new RealtimeHttpHandler(simulator)), wired, disposeHttpClient: true);
    }

    /// <summary>
    /// An <see cref="HttpMessageHandler"/> answering the simulator's token requests (<c>POST {rest}/tokens/</c>) and
    /// WebSocket upgrades (<c>{run}/{app}/realtime</c>), for an <see cref="HttpClient"/> of your own.
    /// </summary>
    /// <param name="simulator">The simulator.</param>
    /// <returns>The handler.</returns>
    public static HttpMessageHandler CreateHandler(this FalRealtimeSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        return new RealtimeHttpHandler(simulator);
    }
}
