using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The client for fal.ai's inference queue. Thread-safe: create one per application and share it; many
/// thousands of requests in flight share its <see cref="HttpClient"/> and scheduler.
/// </summary>
/// <example>
/// <code>
/// var fal = new FalClient();   // FAL_KEY, or FAL_KEY_ID and FAL_KEY_SECRET
/// fal.Submit("fal-ai/fast-sdxl", new { prompt = "a landscape" })
///    .Timeout(TimeSpan.FromSeconds(30))      // no progress for 30 s: dispose, which cancels on the server
///    .Subscribe(status => Console.WriteLine(status));
/// </code>
/// </example>
public partial class FalClient : IDisposable, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly FalClientContext _context;
    private Closing? _closing;
    private int _httpReleased;

    /// <summary>A client with fal's hosts and the key from <c>FAL_KEY</c> (or <c>FAL_KEY_ID</c> and <c>FAL_KEY_SECRET</c>).</summary>
    public FalClient()
        : this(new FalClientOptions())
    {
    }

    /// <summary>A client with the given options and an <see cref="HttpClient"/> of its own.</summary>
    /// <param name="options">The options; copied, so later changes do not affect the client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (a relative URL, a non-positive poll interval).</exception>
    public FalClient(FalClientOptions options)
        : this(CreateHttpClient(options ?? throw new ArgumentNullException(nameof(options))), options, disposeHttpClient: true)
    {
    }

    /// <summary>A client with default options that sends through the caller's <see cref="HttpClient"/>.</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    public FalClient(HttpClient httpClient)
        : this(httpClient, options: null, disposeHttpClient: false)
    {
    }

    /// <summary>A client that sends through the caller's <see cref="HttpClient"/> (and so its handlers).</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this client.</param>
    /// <param name="options">The options; default ones when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public FalClient(HttpClient httpClient, FalClientOptions? options)
        : this(httpClient, options, disposeHttpClient: false)
    {
    }

    /// <summary>
    /// A client that sends through the given <see cref="HttpClient"/>, and disposes it with itself when
    /// <paramref name="disposeHttpClient"/> is true (after any cancels still in flight).
    /// </summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="options">The options; default ones when null.</param>
    /// <param name="disposeHttpClient">Whether disposing this client disposes <paramref name="httpClient"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public FalClient(HttpClient httpClient, FalClientOptions? options, bool disposeHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var copy = Validate(options ?? new FalClientOptions());
        _http = httpClient;
        _ownsHttp = disposeHttpClient;
        // In proxy mode the key lives on the proxy: an environment key is not picked up (and so never sent there).
        var credentials = copy.Credentials ?? (copy.ProxyUrl is null ? FalCredentials.FromEnvironment() : null);
        _context = new FalClientContext(httpClient, copy, credentials);
        Storage = new FalStorage(_context.Transport);
    }

    /// <summary>
    /// For mocking: a client that reads no environment variable, creates no <see cref="HttpClient"/> and sends
    /// nothing. Derive from <see cref="FalClient"/>, call this constructor and override the members the code under
    /// test calls (each operation is one virtual method taking a <see cref="FalInput"/>; the <c>object</c>
    /// conveniences in <see cref="FalReflectionExtensions"/> call it too). A member not overridden throws
    /// <see cref="InvalidOperationException"/>. (The public parameterless constructor is the one that reads
    /// <c>FAL_KEY</c>, hence this one's own signature.)
    /// </summary>
    /// <param name="mocking">Must be true: says at the call site that this client is a test double.</param>
    /// <exception cref="ArgumentException"><paramref name="mocking"/> is false.</exception>
    protected FalClient(bool mocking)
    {
        if (!mocking)
        {
            throw new ArgumentException("This constructor is for mocking: pass true, or use a public constructor for a working client.", nameof(mocking));
        }

        _http = null!;
        _context = null!;
        Storage = null!;
    }

    /// <summary>fal storage: uploads and data URIs.</summary>
    public virtual FalStorage Storage { get; }

    /// <summary>
    /// Submits a request when subscribed, then reports it: <see cref="Queued"/> (position),
    /// <see cref="InProgress"/> (logs), <see cref="Completed"/> (with the output), then completes. A status is
    /// emitted when its kind, queue position or log count changes. Each subscription is its own request.
    /// </summary>
    /// <remarks>
    /// Disposing the subscription before <see cref="Completed"/> cancels the request on the server (also
    /// when disposed while the submit is in flight): <c>Timeout</c>, <c>TakeUntil</c>, <c>Take(1)</c> and
    /// <c>Switch</c> all leave nothing running. An error result ends the sequence with
    /// <see cref="FalHttpException"/>; no key ends it with <see cref="MissingCredentialsException"/>.
    /// An input of any other type (an anonymous object, a record, files) goes through
    /// <see cref="FalReflectionExtensions.Submit(FalClient, string, object?, FalSubmitOptions?)"/>.
    /// </remarks>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c> or <c>fal-ai/flux/dev</c>.</param>
    /// <param name="input">The app's input: a <see cref="JsonElement"/> or <see cref="System.Text.Json.Nodes.JsonNode"/> (converted implicitly), or <see cref="FalInput.From"/>; null sends <c>{}</c>.</param>
    /// <param name="options">Logs, poll interval, status mode, scheduler, webhook, priority, hint, start timeout, lifecycle, headers, <see cref="FalSubmitOptions.OnEnqueue"/>; copied and checked here.</param>
    /// <returns>A cold observable of the request's statuses.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="appId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public virtual IObservable<FalStatus> Submit(string appId, FalInput? input, FalSubmitOptions? options = null)
    {
        var (app, settings) = CheckSubmit(appId, options?.Snapshot());
        var statuses = RequestSubscription.Submit(Context, app, FalInput.PreparedOrEmpty(input), Storage, settings);
        return settings.ClientTimeout is { } limit ? ClientTimeout.Bound(statuses, limit, settings.Scheduler ?? Context.Options.Scheduler) : statuses;
    }

    /// <summary>Submits a request and returns its handle once fal has queued it (files in the input uploaded first).</summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">Webhook, priority, hint, start timeout, lifecycle, headers, scheduler; copied and checked here.</param>
    /// <param name="cancellationToken">Cancels the upload and the submit call.</param>
    /// <returns>The handle of the queued request.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="MissingCredentialsException">No key was given or found.</exception>
    /// <exception cref="FalHttpException">fal refused the request.</exception>
    public virtual Task<FalRequestHandle> SubmitAsync(string appId, FalInput? input, FalEnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (app, settings) = CheckSubmit(appId, options?.Snapshot());
        return EnqueueAsync(app, settings, FalInput.PreparedOrEmpty(input), cancellationToken);
    }

    /// <summary>A handle for a request submitted elsewhere, by its id.</summary>
    /// <param name="appId">The app id the request was submitted to.</param>
    /// <param name="requestId">The request id.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="appId"/> is invalid, or <paramref name="requestId"/> is empty, <c>.</c> or <c>..</c>, or
    /// contains <c>/</c>, <c>\</c>, <c>?</c>, <c>#</c>, <c>%</c>, white space or a control character, or contains the API key.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public virtual FalRequestHandle GetHandle(string appId, string requestId)
    {
        var context = Context;
        context.LiveRequests.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        FalOptionsValidation.RequestId(requestId, nameof(requestId));
        if (context.Transport.HoldsSecret(requestId))
        {
            // Not quoted: the message would carry the key.
            throw new ArgumentException("The request id contains the API key (or a part of it): it would go into URLs, errors and logs. Pass the id fal gave the request.", nameof(requestId));
        }

        return new FalRequestHandle(context, app, requestId, FalRequestUrls.Compute(context.Options.QueueUrl, app, requestId));
    }

    /// <summary>
    /// Submits a request, waits for it and returns its output (fal_client's <c>subscribe</c>). Progress
    /// goes to <paramref name="onUpdate"/>; <paramref name="cancellationToken"/> cancels the request on the
    /// server too.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input (see <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>).</param>
    /// <param name="options">As for <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/>, with <see cref="FalSubmitOptions.OnEnqueue"/> as fal_client's <c>on_enqueue</c>.</param>
    /// <param name="onUpdate">
    /// Called with each status as it changes, the final <see cref="Completed"/> included (fal_client's
    /// <c>on_queue_update</c>). An exception it throws ends the request with that error (and cancels it on the server).
    /// </param>
    /// <param name="cancellationToken">Stops waiting and cancels the request.</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="FalHttpException">The request finished with an error.</exception>
    public virtual Task<JsonElement> SubscribeAsync(
        string appId, FalInput? input, FalSubmitOptions? options = null, Action<FalStatus>? onUpdate = null, CancellationToken cancellationToken = default) =>
        WaitForOutputAsync(Submit(appId, input, options), onUpdate, cancellationToken);

    /// <summary>The client's state; refused on a client made for mocking (whose overridden members never get here).</summary>
    private FalClientContext Context =>
        _context ?? throw new InvalidOperationException("This FalClient was made with the mocking constructor: override the members the test calls.");

    // Every operation checks here, before anything is sent: a disposed client, a bad app id or option throws at the call.
    private (FalAppId App, SubmitSettings Settings) CheckSubmit(string appId, SubmitSettings? settings)
    {
        Context.LiveRequests.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        return (app, settings is null ? SubmitSettings.Default : FalOptionsValidation.Validate(settings, "options"));
    }

    private async Task<FalRequestHandle> EnqueueAsync(FalAppId app, SubmitSettings settings, PreparedInput input, CancellationToken cancellationToken)
    {
        var context = Context;
        context.Transport.EnsureCredentials();
        // The webhook path (SubmitAsync, then a webhook) has a span, a log event and a measurement too: this call's.
        var telemetry = context.Diagnostics.ForRequest(app, settings.Scheduler ?? context.Scheduler);
        telemetry.Start();
        try
        {
            var body = await input.BodyAsync(Storage, cancellationToken).ConfigureAwait(false);
            var answer = await context.Queue.SubmitAsync(app, body, settings.WebhookUrl, settings.CallHeaders, settings.Scheduler, cancellationToken, telemetry).ConfigureAwait(false);
            telemetry.Submitted(answer.RequestId, answer.QueuePosition);
            telemetry.Enqueued();
            return new FalRequestHandle(context, app, answer.RequestId, context.Queue.UrlsOf(app, answer));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            telemetry.End();   // cancelled by the caller
            throw;
        }
        catch (Exception e)
        {
            telemetry.Failed(e);
            throw;
        }
    }

    private static async Task<JsonElement> WaitForOutputAsync(IObservable<FalStatus> statuses, Action<FalStatus>? onUpdate, CancellationToken cancellationToken)
    {
        if (onUpdate is not null)
        {
            statuses = statuses.Do(onUpdate);
        }

        var completed = (Completed)await statuses.LastAsync().ToTask(cancellationToken).ConfigureAwait(false);
        return completed.Result ?? throw new FalProtocolException($"Request {completed.RequestId} completed with an empty result.") { RequestId = completed.RequestId };
    }

    // No redirects: a 3xx off fal's hosts would re-send the input (and could take the key) elsewhere.
    // No HttpClient.Timeout (its 100 s default killed long direct runs): each call is bounded by its own
    // options (FalRunOptions.Timeout, IdleTimeout) on the scheduler, or by the caller's token.
    /// <summary>The own HttpClient's bound on a TCP connect and its TLS handshake.</summary>
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static HttpClient CreateHttpClient(FalClientOptions options) =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            // TCP connect and TLS handshake: a host that accepts and never answers fails the attempt.
            ConnectTimeout = ConnectTimeout,
            // Thousands of requests share a few hundred sockets rather than opening one each (and running out of descriptors).
            MaxConnectionsPerServer = FalOptionsValidation.MaxConnectionsPerServer(options.MaxConnectionsPerServer, nameof(options)),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static FalClientOptions Validate(FalClientOptions options)
    {
        FalOptionsValidation.Validate(options, nameof(options));
        return new FalClientOptions(options)
        {
            QueueUrl = BaseUrl(options.QueueUrl, nameof(options.QueueUrl), nameof(options)),
            RunUrl = BaseUrl(options.RunUrl, nameof(options.RunUrl), nameof(options)),
            RestUrl = BaseUrl(options.RestUrl, nameof(options.RestUrl), nameof(options)),
            ApiUrl = BaseUrl(options.ApiUrl, nameof(options.ApiUrl), nameof(options)),
            ProxyUrl = options.ProxyUrl is { } proxy ? AbsoluteHttpUrl(proxy, nameof(options.ProxyUrl), nameof(options)) : null,
        };
    }

    private static Uri BaseUrl(Uri? url, string name, string paramName) =>
        BaseUrls.WithTrailingSlash(AbsoluteHttpUrl(url, name, paramName));

    private static Uri AbsoluteHttpUrl(Uri? url, string name, string paramName)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"FalClientOptions.{name} must be an absolute http or https URL with its scheme (such as http://127.0.0.1:8765/ for the emulator), not '{url}'.", paramName);
        }

        return url;
    }
}
