using System.Reactive.Concurrency;
using Fal.Reactive;
using Fal.Reactive.Emulator;

namespace BlazorRequests;

/// <summary>
/// Where the page's requests go, chosen as samples/RxConsole chooses: fal.ai when FAL_KEY (or FAL_KEY_ID and
/// FAL_KEY_SECRET) is set and <c>--emulator</c> is not given, else an emulator started in this process. One
/// <see cref="FalClient"/> for the app, shared by every circuit (a singleton, as the library expects).
/// </summary>
public sealed class SampleBackend : IAsyncDisposable
{
    /// <summary>The text-to-image app a batch runs.</summary>
    public const string DefaultApp = "fal-ai/fast-sdxl";

    /// <summary>The realtime app the realtime mode types into.</summary>
    public const string DefaultRealtimeApp = "fal-ai/fast-lcm-diffusion";

    private readonly FalEmulator? _emulator;

    /// <summary>Creates a backend over a client (tests: a client on the test kit's simulator and a TestScheduler).</summary>
    /// <param name="client">The client the page uses; its scheduler times the deadlines, the realtime pacing and the clock shown.</param>
    /// <param name="description">Where the requests go, for people (never the key).</param>
    /// <param name="emulatorUrl">The emulator's origin when the requests go to one.</param>
    public SampleBackend(FalClient client, string description, Uri? emulatorUrl = null)
        : this(client, description, emulatorUrl, null)
    {
    }

    private SampleBackend(FalClient client, string description, Uri? emulatorUrl, FalEmulator? emulator)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        Description = description;
        EmulatorUrl = emulatorUrl;
        _emulator = emulator;
    }

    /// <summary>Gets the client.</summary>
    public FalClient Client { get; }

    /// <summary>Gets the client's scheduler (a TestScheduler in the tests).</summary>
    public IScheduler Scheduler => Client.Pipeline.Scheduler;

    /// <summary>Gets where the requests go, for people.</summary>
    public string Description { get; }

    /// <summary>Gets the in-process emulator's origin (its request list is at <c>_emulator/requests</c>); null against fal.ai.</summary>
    public Uri? EmulatorUrl { get; }

    /// <summary>Starts the backend the command line and the environment ask for.</summary>
    /// <param name="args">The command line; <c>--emulator</c> uses the emulator even when a key is set.</param>
    public static async Task<SampleBackend> StartAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var forceEmulator = args.Contains("--emulator", StringComparer.Ordinal);
        var credentials = FalCredentials.FromEnvironment();
        if (credentials is not null && !forceEmulator)
        {
            var options = new FalClientOptions { Credentials = credentials };
            return new SampleBackend(new FalClient(options), $"fal.ai ({credentials.Description})", null, null);
        }

        // Two workers: a batch of more prompts than that shows queue positions.
        var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2 }).ConfigureAwait(false);
        var local = emulator.CreateClientOptions(); // its hosts, and a key it accepts
        var why = credentials is null ? "no FAL_KEY set" : "--emulator";
        return new SampleBackend(new FalClient(local), $"local emulator at {emulator.BaseUrl} (2 workers; {why})", emulator.BaseUrl, emulator);
    }

    /// <summary>Disposes the client (cancelling what is still running, bounded by its DisposeTimeout), then the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
