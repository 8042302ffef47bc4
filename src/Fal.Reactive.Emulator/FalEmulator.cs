using System.Reactive.Concurrency;
using Fal.Reactive.Emulator.Apps;
using Fal.Reactive.Emulator.Hosting;
using Fal.Reactive.Emulator.Realtime;
using Fal.Reactive.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Fal.Reactive.Emulator;

/// <summary>
/// A local stand-in for fal.ai: a <see cref="FalSimulator"/> on a real-time scheduler, served over HTTP by Kestrel
/// on loopback. One origin stands for fal's hosts: queue paths at its root, run-host paths under <c>/_run/</c>,
/// REST paths under <c>/_rest/</c>, files under <c>/_cdn/</c>, the emulator's own under <c>/_emulator/</c>.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Workers = 2 });
/// // POST {emulator.QueueUrl}fal-ai/fast-sdxl with "Authorization: Key anything"
/// </code>
/// </example>
public sealed class FalEmulator : IAsyncDisposable
{
    /// <summary>The largest request body served: a single upload up to fal_client's 100 MiB multipart threshold, with room to spare.</summary>
    private const long MaxRequestBodySize = 128L * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly HttpClient? _webhookClient;
    private readonly FalEmulatorUrls _urls;

    private FalEmulator(WebApplication app, FalSimulator simulator, FalEmulatorUrls urls, IReadOnlyList<Uri> listenUrls, HttpClient? webhookClient, FalRealtimeSimulator realtime)
    {
        _app = app;
        ListenUrls = listenUrls;
        Simulator = simulator;
        Realtime = realtime;
        _urls = urls;
        _webhookClient = webhookClient;
    }

    /// <summary>Gets the emulator's origin, e.g. <c>http://127.0.0.1:8765/</c>.</summary>
    public Uri BaseUrl => _urls.Base;

    /// <summary>
    /// Gets the addresses Kestrel actually bound (with the real port when 0 was asked for). <see cref="BaseUrl"/> is
    /// the first of them, or 127.0.0.1 for a wildcard bind.
    /// </summary>
    public IReadOnlyList<Uri> ListenUrls { get; }

    /// <summary>Gets the URL standing for <c>https://queue.fal.run/</c>: the origin itself.</summary>
    public Uri QueueUrl => _urls.Queue;

    /// <summary>Gets the URL standing for <c>https://fal.run/</c>: <c>{origin}/_run/</c>.</summary>
    public Uri RunUrl => _urls.Run;

    /// <summary>Gets the URL standing for <c>https://rest.fal.ai/</c>: <c>{origin}/_rest/</c>.</summary>
    public Uri RestUrl => _urls.Rest;

    /// <summary>Gets the URL standing for the CDN (<c>https://v3.fal.media/</c>) that serves files: <c>{origin}/_cdn/</c>.</summary>
    public Uri CdnUrl => _urls.Cdn;

    /// <summary>Gets the simulator the emulator serves: inspect its requests and calls, or map more apps.</summary>
    public FalSimulator Simulator { get; }

    /// <summary>Gets the realtime simulator behind <c>/_rest/tokens/</c> and the WebSocket at <c>/_run/{app}/realtime</c>.</summary>
    public FalRealtimeSimulator Realtime { get; }

    /// <summary>Gets the ids of the built-in realtime apps (served at <c>{run}/{app}/realtime</c>).</summary>
    public static IReadOnlyList<string> BuiltInRealtimeAppIds => RealtimeApps.Ids;

    /// <summary>Gets the ids of the built-in apps.</summary>
    public static IReadOnlyList<string> BuiltInAppIds => BuiltInApps.Ids;

    /// <summary>Starts an emulator and returns once it listens.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults (a free loopback port, 4 workers, any key).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static async Task<FalEmulator> StartAsync(FalEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FalEmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FalEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options.LogToConsole)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

            // A failed start (a port already in use) is thrown to the caller, who reports it: the host's own
            // "Hosting failed to start" entry would print the same stack trace a second time.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }

        // Single uploads go up to the 100 MiB multipart threshold (Kestrel's default limit is about 28.6 MiB).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize);
        builder.WebHost.UseUrls(options.Urls ?? $"http://127.0.0.1:{options.Port}");
        var app = builder.Build();

        // The simulator builds absolute URLs, so it is created once Kestrel has told us the port it bound.
        SimulatorEndpoint? endpoint = null;
        var realtime = RealtimeEndpoint.Map(app);
        app.Run(context => Volatile.Read(ref endpoint) is { } ready
            ? ready.HandleAsync(context)
            : SimulatorEndpoint.WriteDetailAsync(context, 503, "The emulator is starting."));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        if (addresses.Length == 0)
        {
            throw new InvalidOperationException("Kestrel reported no address.");
        }

        var listenUrls = addresses.Select(ParseAddress).ToArray();
        var urls = new FalEmulatorUrls(ClientOrigin(listenUrls[0]));
        // Deliveries are POSTed the moment a request finishes (no batching, no tick), bounded in time and in
        // connections per receiver: a burst of completions queues for a connection instead of opening a socket each.
        var webhookClient = options.DeliverWebhooks
            ? new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) }
            : null;
        var simulator = new FalSimulator(options.Scheduler ?? Scheduler.Default, new FalSimulatorOptions
        {
            Workers = options.Workers,
            AcceptedKeys = options.Keys,
            QueueUrl = urls.Queue,
            RunUrl = urls.Run,
            RestUrl = urls.Rest,
            CdnUrl = urls.Cdn,
            ApiUrl = urls.Api,
            Latency = options.Latency,
            WebhookClient = webhookClient,
            Retention = options.Retention,

            WebhookSigningKey = options.WebhookSigningKey,
            WebhookUserId = options.WebhookUserId,
        });
        if (options.MapBuiltInApps)
        {
            BuiltInApps.Map(simulator);
        }

        var realtimeSimulator = realtime.Attach(simulator, urls, options);
        Volatile.Write(ref endpoint, new SimulatorEndpoint(simulator, urls, options.Keys));
        return new FalEmulator(app, simulator, urls, listenUrls, webhookClient, realtimeSimulator);
    }

    /// <summary>Waits until the host shuts down (Ctrl+C, SIGTERM, or <paramref name="cancellationToken"/>).</summary>
    /// <param name="cancellationToken">Stops waiting and shuts the host down.</param>
    /// <returns>A task that completes on shutdown.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening and releases the host.</summary>
    /// <returns>A task that completes when the emulator has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _webhookClient?.Dispose();
    }

    /// <summary>Kestrel's address as a URL; the wildcards <c>+</c> and <c>*</c> read as <c>0.0.0.0</c>.</summary>
    private static Uri ParseAddress(string address) =>
        new(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));

    /// <summary>The origin clients use: a wildcard bind (<c>0.0.0.0</c>, <c>[::]</c>) is reached on 127.0.0.1.</summary>
    private static Uri ClientOrigin(Uri url)
    {
        var host = url.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : url.Host;
        return new UriBuilder(url.Scheme, host, url.Port, "/").Uri;
    }
}
