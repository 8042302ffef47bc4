namespace Fal.Reactive.Testing;

/// <summary>Configures a <see cref="FalSimulator"/>. The simulator copies the values when it is created.</summary>
public sealed class FalSimulatorOptions
{
    /// <summary>
    /// Gets or sets the number of workers (runners) serving queued requests. A request waits in the queue
    /// until a worker is free, so with more requests than workers the queue positions are real.
    /// The default is 4.
    /// </summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// Gets or sets the keys accepted in <c>Authorization: Key &lt;key&gt;</c>. <see langword="null"/> (the default)
    /// accepts any non-empty key. A missing or rejected key is answered with 401 and a <c>detail</c>.
    /// </summary>
    public IReadOnlyCollection<string>? AcceptedKeys { get; set; }

    /// <summary>Gets or sets the queue host (<c>https://queue.fal.run/</c> by default).</summary>
    public Uri QueueUrl { get; set; } = new("https://queue.fal.run/");

    /// <summary>Gets or sets the synchronous run host (<c>https://fal.run/</c> by default).</summary>
    public Uri RunUrl { get; set; } = new("https://fal.run/");

    /// <summary>Gets or sets the REST host serving storage uploads (<c>https://rest.fal.ai/</c> by default).</summary>
    public Uri RestUrl { get; set; } = new("https://rest.fal.ai/");

    /// <summary>Gets or sets fal's platform API host, serving the request listing (<c>https://api.fal.ai/</c> by default).</summary>
    public Uri ApiUrl { get; set; } = new("https://api.fal.ai/");

    /// <summary>
    /// Gets or sets the CDN host that receives uploaded bytes and serves files (<c>https://v3.fal.media/</c> by default).
    /// </summary>
    public Uri CdnUrl { get; set; } = new("https://v3.fal.media/");

    /// <summary>
    /// Gets or sets the delay, on the simulator's scheduler, between the moment a call is processed (when it
    /// arrives) and the moment its answer is delivered. With <see cref="TimeSpan.Zero"/> (the default) the task
    /// returned by the handler is already completed when <c>SendAsync</c> returns.
    /// </summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Gets or sets how often a server-sent event stream that has nothing to report sends a <c>: keepalive</c>
    /// comment line. The default is 15 seconds, as fal documents.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long the CDN tokens from <c>storage/auth/token</c> last (their <c>expires_at</c>). The default is 1 hour.
    /// </summary>
    public TimeSpan StorageTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the client used to POST webhooks. <see langword="null"/> (the default) only records them in
    /// <see cref="FalSimulator.Webhooks"/>; a client also delivers them, without waiting and without retries.
    /// </summary>
    public HttpClient? WebhookClient { get; set; }

    /// <summary>
    /// Gets or sets what the simulator keeps of finished requests, calls, webhooks and files, and for how long.
    /// The defaults bound a long-running emulator's memory; see <see cref="FalSimulatorRetention"/>.
    /// </summary>
    public FalSimulatorRetention Retention { get; set; } = new();

    /// <summary>
    /// Gets or sets what makes request ids. <see langword="null"/> (the default) gives random UUIDs, as fal's are;
    /// a test that wants the same ids run after run can give a deterministic generator. Each id must be new,
    /// non-empty and made of letters, digits and <c>-</c>.
    /// </summary>
    public Func<string>? RequestIdGenerator { get; set; }

    /// <summary>
    /// Gets or sets the key webhooks are signed with (<c>X-Fal-Webhook-*</c> headers, as fal signs them); the simulator
    /// serves its public half at <c>{rest}.well-known/jwks.json</c>. <see langword="null"/> (the default): a new random
    /// key per simulator.
    /// </summary>
    public FalWebhookSigningKey? WebhookSigningKey { get; set; }

    /// <summary>Gets or sets the user id webhooks are signed for (<c>X-Fal-Webhook-User-Id</c>). The default is <c>simulated-user</c>.</summary>
    public string WebhookUserId { get; set; } = "simulated-user";
}
