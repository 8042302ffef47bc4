using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Fal.Reactive;

/// <summary>Options for a <see cref="FalClient"/>.</summary>
public class FalClientOptions
{
    // Hosts not set explicitly come from the environment (FalEnvironment), read when first needed, so
    // options that set all three never depend on it.
    private Uri? _queueUrl;
    private Uri? _runUrl;
    private Uri? _restUrl;
    private Uri? _apiUrl;
    private FalHosts? _environmentHosts;

    /// <summary>fal's queue host.</summary>
    public static readonly Uri DefaultQueueUrl = new("https://queue.fal.run/");

    /// <summary>fal's host for direct (synchronous) runs and streaming.</summary>
    public static readonly Uri DefaultRunUrl = new("https://fal.run/");

    /// <summary>fal's REST host (storage, tokens).</summary>
    public static readonly Uri DefaultRestUrl = new("https://rest.fal.ai/");

    /// <summary>fal's platform API host (the request listing a durable batch reads after a crash).</summary>
    public static readonly Uri DefaultApiUrl = new("https://api.fal.ai/");

    /// <summary>The poll interval fal_client uses: 100 ms.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Options with the defaults.</summary>
    public FalClientOptions()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, with a copy of its <see cref="Retry"/> options (default ones when
    /// it has none), as Azure.Core's <c>ClientOptions</c> offers: change the copy, the original stays.
    /// </summary>
    /// <param name="other">The options to copy.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public FalClientOptions(FalClientOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Credentials = other.Credentials;
        QueueUrl = other.QueueUrl;
        RunUrl = other.RunUrl;
        RestUrl = other.RestUrl;
        ApiUrl = other.ApiUrl;
        PollInterval = other.PollInterval;
        Scheduler = other.Scheduler;
        LoggerFactory = other.LoggerFactory;
        MeterFactory = other.MeterFactory;
        MaxStatusBytes = other.MaxStatusBytes;
        MaxResultBytes = other.MaxResultBytes;
        MaxLogLines = other.MaxLogLines;
        MaxConnectionsPerServer = other.MaxConnectionsPerServer;
        StatusStreamIdleTimeout = other.StatusStreamIdleTimeout;
        DisposeTimeout = other.DisposeTimeout;
        ProxyUrl = other.ProxyUrl;
        Retry = other.Retry is { } retry
            ? new FalRetryOptions
            {
                MaxRetries = retry.MaxRetries,
                Delay = retry.Delay,
                MaxDelay = retry.MaxDelay,
                MaxRetryAfter = retry.MaxRetryAfter,
                Jitter = retry.Jitter,
                AttemptTimeout = retry.AttemptTimeout,
                SubmitTimeout = retry.SubmitTimeout,
            }
            : new FalRetryOptions();
        Storage = other.Storage?.Copy() ?? new FalStorageOptions();
    }

    /// <summary>
    /// The key. When null, the client reads <c>FAL_KEY</c> (or <c>FAL_KEY_ID</c> and <c>FAL_KEY_SECRET</c>)
    /// when it is created; with none set, the first request that needs a key fails with
    /// <see cref="MissingCredentialsException"/>.
    /// </summary>
    public FalCredentials? Credentials { get; set; }

    /// <summary>The queue host (submit, status, result, cancel). Default <c>https://queue.fal.run/</c>, or from <c>FAL_QUEUE_RUN_HOST</c>, <c>FAL_RUN_HOST</c> or <c>FAL_EMULATOR_URL</c>.</summary>
    /// <exception cref="InvalidOperationException">Unset, and <c>FAL_EMULATOR_URL</c>, <c>FAL_RUN_HOST</c> or <c>FAL_QUEUE_RUN_HOST</c> is malformed.</exception>
    public Uri QueueUrl { get => _queueUrl ?? EnvironmentHosts.QueueUrl; set => _queueUrl = value; }

    /// <summary>The run host (direct runs, streaming). Default <c>https://fal.run/</c>, or from <c>FAL_RUN_HOST</c> or <c>FAL_EMULATOR_URL</c>.</summary>
    /// <exception cref="InvalidOperationException">Unset, and <c>FAL_EMULATOR_URL</c> or <c>FAL_RUN_HOST</c> is malformed.</exception>
    public Uri RunUrl { get => _runUrl ?? EnvironmentHosts.RunUrl; set => _runUrl = value; }

    /// <summary>The REST host (storage). Default <c>https://rest.fal.ai/</c>, or from <c>FAL_EMULATOR_URL</c>.</summary>
    /// <exception cref="InvalidOperationException">Unset, and <c>FAL_EMULATOR_URL</c> is malformed.</exception>
    public Uri RestUrl { get => _restUrl ?? EnvironmentHosts.RestUrl; set => _restUrl = value; }

    /// <summary>
    /// fal's platform API host (<c>v1/models/requests/by-endpoint</c>, read by a durable batch to learn whether a submit cut short by
    /// a crash reached fal). Default <c>https://api.fal.ai/</c>, or <c>{FAL_EMULATOR_URL}/_api/</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Unset, and <c>FAL_EMULATOR_URL</c> is malformed.</exception>
    public Uri ApiUrl { get => _apiUrl ?? EnvironmentHosts.ApiUrl; set => _apiUrl = value; }

    /// <summary>How long to wait after a status answer before the next poll. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>
    /// The scheduler every wait goes through (poll delays, retry back-off). Default
    /// <see cref="DefaultScheduler.Instance"/>; pass a <c>TestScheduler</c> to run requests in virtual time.
    /// </summary>
    public IScheduler Scheduler { get; set; } = DefaultScheduler.Instance;

    /// <summary>
    /// Proxy mode, for apps that must not hold the key (Blazor WebAssembly, MAUI, a desktop app): every call
    /// goes to this URL with fal's URL in the header <c>x-fal-target-url</c>, as the JS client's
    /// <c>proxyUrl</c> does, and your server (e.g. <c>@fal-ai/server-proxy</c>, or any endpoint that forwards
    /// to that URL with the key) adds the key. <see cref="Credentials"/> are then optional and, when null,
    /// not read from the environment; when set they are sent to the proxy. Default null (calls go straight to fal).
    /// </summary>
    public Uri? ProxyUrl { get; set; }

    /// <summary>How transient failures of status, result and cancel calls are retried.</summary>
    public FalRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Where the client logs submits, status changes, retries, cancels and failures (category
    /// <c>Fal.Reactive.FalClient</c>), by request id and never with the key. Null (the default): silent.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The factory of the client's <c>Fal.Reactive</c> meter (the host's, with dependency injection). Null
    /// (the default): a process-wide meter of that name. See <see cref="FalTelemetry"/>.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// The largest answer read for a submit, status, cancel or upload call, an error body, or one event of the
    /// status stream. Default 1 MiB. A status answer over it ends the request with
    /// <see cref="FalProtocolException"/> (and cancels it); the rest of the body is never read. A status answer with
    /// logs is the exception: its <c>logs</c> array (every line so far, as fal sends it) is read through, and the bound
    /// applies to what is kept, the newest <see cref="MaxLogLines"/> entries and the rest of the answer; a single log
    /// entry, or the rest of the answer, over the bound still ends the request so.
    /// </summary>
    public long MaxStatusBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The largest result (a request's output, a direct run's answer, one event of a streaming run) read.
    /// Default 256 MiB. A larger one ends the call with <see cref="FalProtocolException"/>.
    /// </summary>
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The most log entries a status keeps (<see cref="InProgress.Logs"/>, <see cref="Completed.Logs"/>): the newest, the
    /// count of older ones in <see cref="InProgress.OmittedLogCount"/>. Default 1,000; 0 keeps none (the count still
    /// grows). The same whether the request is polled (fal's answers carry every line so far) or streamed (each event
    /// carries the new ones), and the kept entries are also bounded by <see cref="MaxStatusBytes"/> (the oldest go first):
    /// a request's log memory is what is kept, not what the server has sent, however long the run.
    /// </summary>
    public int MaxLogLines { get; set; } = DefaultMaxLogLines;

    /// <summary>
    /// The most connections the client's own <see cref="HttpClient"/> opens to one host (a caller's
    /// <see cref="HttpClient"/> keeps its handler's); calls beyond wait for a free one. Default 256: thousands of
    /// requests polling at once share them instead of opening a socket each (20,000 subscriptions hit the
    /// process's file-descriptor limit). A status stream (<see cref="FalStatusMode.Streaming"/>) holds a connection for
    /// the whole request, so at most half of this many are open at once, whatever the <see cref="HttpClient"/>;
    /// requests beyond that poll instead, and polls, results and cancels are never starved of connections.
    /// </summary>
    public int MaxConnectionsPerServer { get; set; } = DefaultMaxConnectionsPerServer;

    /// <summary>The own <see cref="HttpClient"/>'s connections per host by default: 256.</summary>
    public const int DefaultMaxConnectionsPerServer = 256;

    /// <summary>The log entries a status keeps by default: 1,000.</summary>
    public const int DefaultMaxLogLines = 1000;

    /// <summary>
    /// How long the status stream (<see cref="FalStatusMode.Streaming"/>) may go without a status event (from the
    /// call, so the wait for its headers counts; fal's keep-alives do not end the wait) before it is dropped and
    /// the request is polled instead. Default 60 s, measured on the request's scheduler.
    /// </summary>
    public TimeSpan StatusStreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long disposing the client waits for the cancels of the requests still in flight (and
    /// <see cref="FalClient.WhenCancellationsSentAsync"/> for pending cancels) before it releases the
    /// connection anyway. Default 10 s, measured on the client's scheduler.
    /// </summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How uploads are made: CDN token or signed URLs, multipart threshold, part size, parts in flight.</summary>
    public FalStorageOptions Storage { get; set; } = new();

    private FalHosts EnvironmentHosts => _environmentHosts ??= FalEnvironment.ReadHosts();
}
