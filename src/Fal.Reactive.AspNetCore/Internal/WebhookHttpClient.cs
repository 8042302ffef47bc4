namespace Fal.Reactive.AspNetCore;

/// <summary>
/// The HttpClient that fetches fal's key set when no <see cref="FalClient"/> is registered: one per container,
/// disposed with it, with pooled connections recycled so a change of fal's addresses is seen.
/// </summary>
internal sealed class WebhookHttpClient : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    public void Dispose() => Client.Dispose();
}
