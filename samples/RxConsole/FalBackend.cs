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
        var local = new FalClient(new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("emulator"), // the emulator accepts any key
            QueueUrl = emulator.QueueUrl,
            RunUrl = emulator.RunUrl,
            RestUrl = emulator.RestUrl,
            PollInterval = options.PollInterval,
        });
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
    /// After Ctrl+C: disposal sends each cancel asynchronously, so give them time to land before the process
    /// (and the in-process emulator) goes away. Against the emulator, wait until none is queued or running.
    /// </summary>
    public async Task SettleAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        if (_emulator is null)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        while (DateTime.UtcNow < deadline)
        {
            var states = await EmulatorStatesAsync(http).ConfigureAwait(false);
            if (states is null || (!states.ContainsKey("queued") && !states.ContainsKey("running")))
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
