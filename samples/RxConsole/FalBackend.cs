using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive;
using Fal.Reactive.Emulator;

namespace RxConsole;

/// <summary>
/// Where the requests go: fal.ai when a key is set (and --emulator is not), else the emulator started in
/// this process. Owns the <see cref="FalClient"/> and, when local, the emulator.
/// </summary>
internal sealed class FalBackend : IAsyncDisposable
{
    private readonly FalEmulator? _emulator;

    private FalBackend(FalClient client, string description, FalEmulator? emulator)
    {
        Client = client;
        Description = description;
        _emulator = emulator;
    }

    public FalClient Client { get; }

    /// <summary>Where the requests go, for people (never the key).</summary>
    public string Description { get; }

    public bool IsEmulator => _emulator is not null;

    public static async Task<FalBackend> StartAsync(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credentials = FalCredentials.FromEnvironment();
        if (credentials is not null && !options.ForceEmulator)
        {
            var client = new FalClient(new FalClientOptions { Credentials = credentials, PollInterval = options.PollInterval });
            return new FalBackend(client, $"fal.ai ({credentials.Description})", null);
        }

        var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = options.EmulatorWorkers }).ConfigureAwait(false);
        var localOptions = emulator.CreateClientOptions(); // its hosts, and a key it accepts
        localOptions.PollInterval = options.PollInterval;
        var local = new FalClient(localOptions);
        var why = credentials is null ? "no FAL_KEY set" : "--emulator";
        return new FalBackend(local, $"local emulator at {emulator.BaseUrl} ({options.EmulatorWorkers} workers; {why})", emulator);
    }

    /// <summary>The emulator's request list (<c>GET /_emulator/requests</c>) counted by state; null against fal.ai.</summary>
    public async Task<IReadOnlyDictionary<string, int>?> EmulatorStatesAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (_emulator is null)
        {
            return null;
        }

        var list = await http.GetFromJsonAsync<JsonElement>(new Uri(_emulator.BaseUrl, "_emulator/requests"), cancellationToken).ConfigureAwait(false);
        var requests = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("requests");
        return requests.EnumerateArray()
            .Select(r => r.TryGetProperty("state", out var s) ? s.GetString() ?? "?" : "?")
            .GroupBy(state => state, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>
    /// After Ctrl+C or a timeout: disposal starts each cancel without waiting for it (a request disposed
    /// during its submit is cancelled once its id arrives). Let them land before we report, and before the
    /// process and the in-process emulator go away; bounded, so a dead network cannot hang the sample.
    /// </summary>
    public async Task SettleAsync()
    {
        try
        {
            await Client.WhenCancellationsSentAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported as it stands: the summary shows what the server said last.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
