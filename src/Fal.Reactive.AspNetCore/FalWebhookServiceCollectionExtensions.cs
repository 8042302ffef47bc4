using Fal.Reactive;
using Fal.Reactive.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Where IServiceCollection registrations are looked for, as AddFalClient's (docs/contributing.md).
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the fal webhook endpoint needs.</summary>
public static class FalWebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="FalWebhookHub"/> (the <see cref="IObservable{T}"/> of verified webhooks) and a
    /// <see cref="FalWebhookVerifier"/>, both singletons. When a <see cref="FalClient"/> is registered, the verifier
    /// is the client's (<see cref="FalWebhookClientExtensions.CreateWebhookVerifier"/>: its HttpClient, REST host and scheduler);
    /// otherwise it fetches fal's key set through an HttpClient of its own.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the verifier's options (tolerance, key set URL, expected user…).</param>
    /// <param name="configureHub">
    /// Sets the hub's options (retention, capacity). The hub is made with the verifier
    /// (<see cref="FalWebhookHub(FalWebhookVerifier, FalWebhookHubOptions?)"/>): its retention follows the tolerance and
    /// its clock is the verifier's; a retention shorter than twice the tolerance fails when the hub is first resolved.
    /// </param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddFalWebhooks(
        this IServiceCollection services, Action<FalWebhookVerifierOptions>? configure = null, Action<FalWebhookHubOptions>? configureHub = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider =>
        {
            var options = new FalWebhookHubOptions();
            configureHub?.Invoke(options);
            return new FalWebhookHub(provider.GetRequiredService<FalWebhookVerifier>(), options);
        });
        services.TryAddSingleton<WebhookHttpClient>();
        services.TryAddSingleton(provider =>
        {
            var options = new FalWebhookVerifierOptions();
            configure?.Invoke(options);
            return provider.GetService<FalClient>() is { } fal
                ? fal.CreateWebhookVerifier(options)
                : new FalWebhookVerifier(provider.GetRequiredService<WebhookHttpClient>().Client, options);
        });
        return services;
    }
}
