using System.Reactive.Concurrency;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator;

/// <summary>Configures a <see cref="FalEmulator"/>.</summary>
public sealed class FalEmulatorOptions
{
    /// <summary>Gets or sets the loopback port to listen on; 0 (the default) picks a free port. Ignored when <see cref="Urls"/> is set.</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets explicit listen URLs (ASP.NET Core syntax, separated by <c>;</c>), e.g. <c>http://127.0.0.1:8765</c>.</summary>
    public string? Urls { get; set; }

    /// <summary>Gets or sets the number of workers serving the queue. The default is 4.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>Gets or sets the accepted API keys; <see langword="null"/> (the default) accepts any non-empty key.</summary>
    public IReadOnlyCollection<string>? Keys { get; set; }

    /// <summary>Gets or sets an extra delay before each answer, on top of the real network.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the scheduler the simulator runs on; <see langword="null"/> (the default) uses <see cref="Scheduler.Default"/> (real time).</summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>Gets or sets a value indicating whether the built-in apps are mapped (the default). Map your own on <see cref="FalEmulator.Simulator"/>.</summary>
    public bool MapBuiltInApps { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether webhooks are really POSTed (the default); otherwise only recorded.</summary>
    public bool DeliverWebhooks { get; set; } = true;

    /// <summary>
    /// Gets or sets the key webhooks are signed with; its public half is served at <c>{origin}/_rest/.well-known/jwks.json</c>.
    /// <see langword="null"/> (the default): a new random key per emulator.
    /// </summary>
    public FalWebhookSigningKey? WebhookSigningKey { get; set; }

    /// <summary>Gets or sets the user id webhooks are signed for (<c>X-Fal-Webhook-User-Id</c>). The default is <c>simulated-user</c>.</summary>
    public string WebhookUserId { get; set; } = "simulated-user";

    /// <summary>Gets or sets a value indicating whether ASP.NET Core warnings and errors are logged to the console. Off by default.</summary>
    public bool LogToConsole { get; set; }

    /// <summary>
    /// Gets or sets what the emulator keeps of finished requests, calls, webhooks and files, and for how long. The
    /// defaults (10,000 finished requests, 10,000 calls, 1,000 files and 256 MiB, each for at most an hour) keep a
    /// long-running emulator's memory bounded.
    /// </summary>
    public FalSimulatorRetention Retention { get; set; } = new();
}
