namespace Fal.Reactive;

// Webhooks: a verifier that shares the client's HttpClient, REST host and scheduler.
public partial class FalClient
{
    /// <summary>
    /// A verifier for the webhooks fal POSTs to a <see cref="FalSubmitOptions.WebhookUrl"/>. It fetches the key set
    /// through this client's <see cref="HttpClient"/> (without the key) from <c>.well-known/jwks.json</c> under the
    /// client's REST host (so against the emulator, the emulator's keys) and reads time from the client's scheduler,
    /// unless <paramref name="options"/> say otherwise. Create one and share it: it caches the keys.
    /// </summary>
    /// <param name="options">Tolerance, key set URL, cache and refresh bounds, expected user; defaults when null.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public virtual FalWebhookVerifier CreateWebhookVerifier(FalWebhookVerifierOptions? options = null) =>
        new(_http, options, new Uri(_context.Options.RestUrl, ".well-known/jwks.json"), _context.Scheduler);
}
