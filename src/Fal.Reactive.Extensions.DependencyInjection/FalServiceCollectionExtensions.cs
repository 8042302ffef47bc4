using Fal.Reactive;
using Fal.Reactive.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="FalClient"/> as a singleton over <c>IHttpClientFactory</c>, with
/// <see cref="FalServiceOptions"/> bound from configuration and validated when the host starts.
/// </summary>
/// <remarks>
/// <para>
/// Each returns the <see cref="IHttpClientBuilder"/> of the client's <see cref="HttpClient"/>, to add
/// handlers. The client retries status, result and cancel calls itself, on its scheduler, and never a
/// submit. Beside <c>AddStandardResilienceHandler</c>, turn its own retries off
/// (<c>Fal:Retry:MaxRetries = 0</c>) so a failing call is not retried by both, and keep the handler from
/// re-sending a submit (<c>options.Retry.DisableFor(HttpMethod.Post)</c>): a repeated POST is a second paid
/// request.
/// </para>
/// <para>
/// The client is a singleton, as Azure SDK and OpenAI clients are: one per app, so a request started while
/// serving one HTTP request goes on after that request ends, and watchers of the same request share one poll
/// across the app. The container disposes it at shutdown, which ends what is still running (each subscriber
/// gets <see cref="FalClientDisposedException"/> with its request id, each request is cancelled on fal) and waits
/// for those cancels at most <see cref="FalClientOptions.DisposeTimeout"/>.
/// </para>
/// <para>
/// Its <see cref="HttpClient"/> comes from the factory once and lives as long as the client, so the factory's
/// handler rotation is off (<c>SetHandlerLifetime(Timeout.InfiniteTimeSpan)</c>) and the primary handler, a
/// <see cref="SocketsHttpHandler"/> that follows no redirects, recycles its connections every 5 minutes
/// (<see cref="SocketsHttpHandler.PooledConnectionLifetime"/>) to see DNS changes and opens at most
/// <see cref="FalClientOptions.MaxConnectionsPerServer"/> (256) connections per host: the factory's recommended
/// pattern for a long-lived client. A handler set with <c>ConfigurePrimaryHttpMessageHandler</c> on the
/// returned builder replaces it.
/// </para>
/// <para>
/// The factory's per-call HTTP logging (four Information lines per call under <c>System.Net.Http.HttpClient.*</c>)
/// is off for this client: it logs its own events. <c>AddFalClient().AddDefaultLogger()</c> turns it back on.
/// </para>
/// </remarks>
public static class FalServiceCollectionExtensions
{
    /// <summary>The name of the client's <see cref="HttpClient"/> in <c>IHttpClientFactory</c>: <c>Fal.Reactive.FalClient</c>.</summary>
    public const string HttpClientName = "Fal.Reactive.FalClient";

    /// <summary>How long the primary handler keeps a connection before opening a new one (DNS changes are seen).</summary>
    private static readonly TimeSpan s_pooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Adds <see cref="FalClient"/> with options from the <c>Fal</c> section of the registered
    /// <see cref="IConfiguration"/> (when there is one), <c>FAL_KEY</c> and the host variables.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IHttpClientBuilder AddFalClient(this IServiceCollection services) =>
        AddFalClient(services, configure: null);

    /// <summary>
    /// Adds <see cref="FalClient"/> with options from the <c>Fal</c> configuration section, then
    /// <paramref name="configure"/> (a scheduler, a key from a vault, …).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options after configuration is bound; may be null.</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IHttpClientBuilder AddFalClient(this IServiceCollection services, Action<FalServiceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<FalServiceOptions>();
        services.AddSingleton<IConfigureOptions<FalServiceOptions>>(provider => new ConfigureNamedOptions<FalServiceOptions>(
            Options.Options.DefaultName,
            o => BindIfPresent(provider.GetService<IConfiguration>()?.GetSection(FalServiceOptions.SectionName), o)));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddClient(services, options);
    }

    /// <summary>Adds <see cref="FalClient"/> with options bound from the given configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding <c>Key</c>, <c>QueueUrl</c>, <c>PollInterval</c>, <c>Retry</c>….</param>
    /// <returns>The builder of the client's <see cref="HttpClient"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddFalClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var options = services.AddOptions<FalServiceOptions>().Configure(o => BindIfPresent(section, o));
        return AddClient(services, options);
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services, OptionsBuilder<FalServiceOptions> options)
    {
        options.ValidateOnStart();
        // The host's logging and metrics, unless the caller set their own: the client logs and measures like the rest of the app.
        options.PostConfigure<IServiceProvider>(static (o, provider) =>
        {
            o.LoggerFactory ??= provider.GetService<ILoggerFactory>();
            o.MeterFactory ??= provider.GetService<IMeterFactory>();
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<FalServiceOptions>, FalServiceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FalServiceOptions>, FalServiceOptionsValidator>());

        var builder = services.AddHttpClient(HttpClientName);
        // No 100 s HttpClient.Timeout: a direct run may take minutes; each call is bounded by its own
        // FalRunOptions.Timeout / IdleTimeout, or by its caller's token.
        builder.ConfigureHttpClient(static http => http.Timeout = Timeout.InfiniteTimeSpan);
        // One HttpClient for the app's lifetime: connections recycled by the handler, not by the factory.
        builder.ConfigurePrimaryHttpMessageHandler(static provider => new SocketsHttpHandler
        {
            PooledConnectionLifetime = s_pooledConnectionLifetime,
            AllowAutoRedirect = false,
            // As FalClient's own: a host that accepts and never completes the TCP or TLS handshake fails the attempt.
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // As FalClient's own: thousands of requests share Fal:MaxConnectionsPerServer sockets (checked at start).
            MaxConnectionsPerServer = Math.Max(1, provider.GetRequiredService<IOptions<FalServiceOptions>>().Value.MaxConnectionsPerServer),
        });
        builder.SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        // The factory's own logger writes 4 Information lines per HTTP call (a request polled for a second makes
        // a dozen calls); the client logs what matters (submit, status change, retry, cancel, completion).
        // AddDefaultLogger() on the returned builder brings them back.
        builder.RemoveAllLoggers();
        // A singleton, disposed by the container at shutdown (bounded by DisposeTimeout): a scope ending (an
        // HTTP request served) must not cancel the requests it started.
        services.TryAddSingleton(static provider => new FalClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<IOptions<FalServiceOptions>>().Value,
            disposeHttpClient: false));
        return builder;
    }

    private static void BindIfPresent(IConfiguration? section, FalServiceOptions options)
    {
        if (section is null)
        {
            return;
        }

        // The binder reads each property before setting it, and an unset host reads FAL_EMULATOR_URL /
        // FAL_RUN_HOST / FAL_QUEUE_RUN_HOST: a malformed one would fail binding with a reflection error.
        // Pin fal's hosts instead and let validation report the variable unless configuration sets the hosts.
        try
        {
            _ = options.QueueUrl;
            _ = options.RunUrl;
            _ = options.RestUrl;
            _ = options.ApiUrl;
        }
        catch (InvalidOperationException e)
        {
            options.EnvironmentError = e.Message;
            options.QueueUrl = FalClientOptions.DefaultQueueUrl;
            options.RunUrl = FalClientOptions.DefaultRunUrl;
            options.RestUrl = FalClientOptions.DefaultRestUrl;
            options.ApiUrl = FalClientOptions.DefaultApiUrl;
        }

        section.Bind(options);
    }
}
