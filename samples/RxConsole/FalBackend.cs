using System.Net.Http.Json;
using System.Reactive;
using System.Reactive.Linq;
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
    /// After Ctrl+C or a timeout: disposal sends each cancel without waiting for it, so let the cancels land
    /// before we report (and before the process, and the in-process emulator, go away). Watches each request
    /// until the server reports it finished (a cancelled request reports COMPLETED), at most 5 seconds.
    /// </summary>
    public async Task SettleAsync(string app, IEnumerable<string> requestIds, HttpClient http)
    {
        var deadline = TimeSpan.FromSeconds(5);
        await requestIds
            .Select(id => Client.GetHandle(app, id)
                .Events()                 // watch only: disposing it does not cancel anything
                .IgnoreElements()
                .Materialize())           // finished: completed, cancelled (499) or failed, all the same here
            .Merge()
            .Timeout(deadline)
            .Catch(Observable.Empty<Notification<FalStatus>>())
            .LastOrDefaultAsync();

        // A request disposed while its submit was in flight has no id we know of: the emulator's list tells.
        var until = DateTime.UtcNow + deadline;
        while (_emulator is not null && DateTime.UtcNow < until)
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
