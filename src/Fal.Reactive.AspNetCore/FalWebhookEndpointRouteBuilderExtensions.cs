using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fal.Reactive.AspNetCore;

/// <summary>Maps the endpoint fal POSTs webhooks to.</summary>
public static class FalWebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c>: verifies each delivery's signature (<see cref="FalWebhookVerifier"/>)
    /// and publishes verified webhooks to the <see cref="FalWebhookHub"/>. Answers 200 for a verified webhook (also a
    /// repeated one), 401 for a missing, stale or bad signature, 400 for a signed body that is not a webhook, 413 for a
    /// body over <see cref="FalWebhookEndpointOptions.MaxBodyBytes"/>, and 503 when fal's keys cannot be fetched (fal
    /// retries a delivery that was not answered 2xx).
    /// </summary>
    /// <param name="endpoints">The route builder (<c>app</c>).</param>
    /// <param name="pattern">The route, e.g. <c>/fal/webhook</c>: the path of the <c>WebhookUrl</c> you submit with.</param>
    /// <param name="configure">Sets the endpoint's options.</param>
    /// <returns>The endpoint's convention builder (add authorization policies, rate limits, and so on).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="FalWebhookServiceCollectionExtensions.AddFalWebhooks"/> was not called.</exception>
    public static IEndpointConventionBuilder MapFalWebhooks(
        this IEndpointRouteBuilder endpoints, string pattern = "/fal/webhook", Action<FalWebhookEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var options = new FalWebhookEndpointOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBodyBytes, 1, nameof(configure));

        // Fail at startup, not on fal's first delivery.
        var verifier = endpoints.ServiceProvider.GetService<FalWebhookVerifier>();
        var hub = endpoints.ServiceProvider.GetService<FalWebhookHub>();
        if (verifier is null || hub is null)
        {
            throw new InvalidOperationException("MapFalWebhooks needs the services of builder.Services.AddFalWebhooks().");
        }

        var endpoint = new FalWebhookEndpoint(verifier, hub, options.MaxBodyBytes);
        return endpoints.MapPost(pattern, endpoint.HandleAsync).WithDisplayName("fal webhooks");
    }
}
