using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// What one <see cref="FalClient"/> shares with everything it starts, made once by its constructor: the
/// validated options, the scheduler, diagnostics, the transport and fal's three hosts as endpoints, the live
/// request subscriptions, the shared watches and the cancellations still being sent.
/// </summary>
/// <remarks>
/// A request subscription, a handle and storage take this (or the one endpoint they call); the endpoints take only
/// the transport, which knows nothing of subscriptions.
/// </remarks>
internal sealed class FalClientContext
{
    public FalClientContext(HttpClient http, FalClientOptions options, FalCredentials? credentials)
    {
        Options = options;
        Diagnostics = new FalDiagnostics(options.LoggerFactory, options.MeterFactory);
        Transport = new FalTransport(http, options, credentials, Diagnostics);
        Queue = new QueueEndpoint(Transport);
        RunHost = new RunEndpoint(Transport);
        Rest = new RestEndpoint(Transport);
        Api = new ApiEndpoint(Transport);
        StatusStreams = new StatusStreamSlots(options.MaxConnectionsPerServer / 2);
    }

    /// <summary>The client's validated options (a private copy).</summary>
    public FalClientOptions Options { get; }

    /// <summary>The scheduler every wait goes through unless a call names its own.</summary>
    public IScheduler Scheduler => Options.Scheduler;

    /// <summary>The client's logger and instruments.</summary>
    public FalDiagnostics Diagnostics { get; }

    /// <summary>Sends every call: the key, retries, attempt deadlines, bounded answers.</summary>
    public FalTransport Transport { get; }

    /// <summary>The queue host: submit, status, status stream, result, cancel.</summary>
    public QueueEndpoint Queue { get; }

    /// <summary>The run host: direct and streaming runs.</summary>
    public RunEndpoint RunHost { get; }

    /// <summary>The REST host: temporary tokens.</summary>
    public RestEndpoint Rest { get; }

    /// <summary>The platform API host: the request listing a durable batch settles a cut-off submit with.</summary>
    public ApiEndpoint Api { get; }

    /// <summary>The status streams open at once: at most half the connection cap, so that polls are never starved.</summary>
    public StatusStreamSlots StatusStreams { get; }

    /// <summary>The client's live request subscriptions, and whether the client is disposed (shared with its handles).</summary>
    public LiveRequests LiveRequests { get; } = new();

    /// <summary>The client's shared watches of submitted requests: one poll loop per request and way of watching.</summary>
    public SharedWatches SharedWatches { get; } = new();

    /// <summary>The cancels disposed subscriptions still have to send (and the submits they wait for), for disposal to wait on.</summary>
    public PendingCancellations PendingCancellations { get; } = new();
}
