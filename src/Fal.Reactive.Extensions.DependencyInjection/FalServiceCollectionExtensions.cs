using Fal.Reactive;
using Fal.Reactive.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="FalClient"/> as a typed client over <c>IHttpClientFactory</c>, with
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
/// The client is transient, as typed clients are; it shares the factory's pooled handlers, so resolving
/// many is cheap, and disposing one does not touch requests already subscribed.
/// </para>
/// </remarks>
public static class FalServiceCollectionExtensions
{
    /// <summary>The name of the client's <see cref="HttpClient"/> in <c>IHttpClientFactory</c>: <c>Fal.Reactive.FalClient</c>.</summary>
    public const string HttpClientName = "Fal.Reactive.FalClient";

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

        // The client copies its options, so each resolution sees the validated, bound values.
        var builder = services.AddHttpClient(HttpClientName);
        // No 100 s HttpClient.Timeout: a direct run may take minutes; each call is bounded by its own
        // FalRunOptions.Timeout / IdleTimeout, or by its caller's token.
        builder.ConfigureHttpClient(static http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddTypedClient(static (http, provider) =>
            new FalClient(http, provider.GetRequiredService<IOptions<FalServiceOptions>>().Value, disposeHttpClient: false));
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
        }
        catch (InvalidOperationException e)
        {
            options.EnvironmentError = e.Message;
            options.QueueUrl = FalClientOptions.DefaultQueueUrl;
            options.RunUrl = FalClientOptions.DefaultRunUrl;
            options.RestUrl = FalClientOptions.DefaultRestUrl;
        }

        section.Bind(options);
    }
}
