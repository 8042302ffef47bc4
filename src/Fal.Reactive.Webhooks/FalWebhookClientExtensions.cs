namespace Fal.Reactive;

/// <summary>Webhook verifiers that share a client's HTTP client, REST host and scheduler: <c>fal.CreateWebhookVerifier()</c>.</summary>
public static class FalWebhookClientExtensions
{
    /// <summary>
    /// A verifier for the webhooks fal POSTs to a <see cref="FalSubmitOptions.WebhookUrl"/>. It fetches the key set
    /// through the client's <see cref="FalPipeline.HttpClient"/> (without the key) from <c>.well-known/jwks.json</c>
    /// under the client's REST host (so against the emulator, the emulator's keys) and reads time from the client's
    /// scheduler, unless <paramref name="options"/> say otherwise. Create one and share it: it caches the keys.
    /// </summary>
    /// <param name="client">The client whose pipeline the verifier uses.</param>
    /// <param name="options">Tolerance, key set URL, cache and refresh bounds, expected user; defaults when null.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static FalWebhookVerifier CreateWebhookVerifier(this FalClient client, FalWebhookVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var pipeline = client.Pipeline;
        return new(pipeline.HttpClient, options, new Uri(pipeline.RestUrl, ".well-known/jwks.json"), pipeline.Scheduler);
    }
}
