using System.Diagnostics.CodeAnalysis;
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
    private readonly FalQueueApi _api;
    private readonly PendingCancellations _pendingCancellations = new();
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
        : this(CreateHttpClient(), options ?? throw new ArgumentNullException(nameof(options)), disposeHttpClient: true)
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
        _api = new FalQueueApi(new FalTransport(httpClient, copy, credentials));
        Storage = new FalStorage(_api);
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
    /// </remarks>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c> or <c>fal-ai/flux/dev</c>.</param>
    /// <param name="input">
    /// The app's input: any object serializable to JSON (snake_case), a <see cref="System.Text.Json.Nodes.JsonNode"/> or a <see cref="JsonElement"/>.
    /// <see cref="FileInfo"/>, <see cref="System.IO.Stream"/> and <c>byte[]</c> values in it are uploaded to fal storage when subscribed
    /// and sent as their URLs.
    /// </param>
    /// <param name="options">Logs, poll interval, scheduler, webhook, priority, hint, start timeout, headers.</param>
    /// <returns>A cold observable of the request's statuses.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="appId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual IObservable<FalStatus> Submit(string appId, object? input, FalSubmitOptions? options = null)
    {
        _api.Runs.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        var checkedOptions = Checked(options);
        return SubmitPrepared(app, checkedOptions, PreparedInput.Create(input));
    }

    /// <summary>Submits a request and returns its handle once fal has queued it.</summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-sdxl</c>.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Webhook, priority, hint, start timeout, headers.</param>
    /// <param name="cancellationToken">Cancels the submit call.</param>
    /// <returns>The handle of the queued request.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    /// <exception cref="MissingCredentialsException">No key was given or found.</exception>
    /// <exception cref="FalHttpException">fal refused the request.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual Task<FalRequestHandle> SubmitAsync(string appId, object? input, FalSubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        _api.Runs.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        var checkedOptions = Checked(options);
        return SubmitPreparedAsync(app, checkedOptions, PreparedInput.Create(input), cancellationToken);
    }

    /// <summary>A handle for a request submitted elsewhere, by its id.</summary>
    /// <param name="appId">The app id the request was submitted to.</param>
    /// <param name="requestId">The request id.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="appId"/> is invalid, or <paramref name="requestId"/> is empty, <c>.</c> or <c>..</c>, or
    /// contains <c>/</c>, <c>\</c>, <c>?</c>, <c>#</c>, <c>%</c>, white space or a control character.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public virtual FalRequestHandle GetHandle(string appId, string requestId)
    {
        _api.Runs.ThrowIfClosed();
        var app = FalAppId.Parse(appId);
        FalOptionsValidation.RequestId(requestId, nameof(requestId));
        return new FalRequestHandle(_api, app, requestId, FalRequestUrls.Compute(_api.Options.QueueUrl, app, requestId));
    }

    /// <summary>
    /// Submits a request, waits for it and returns its output (fal_client's <c>subscribe</c>). Progress
    /// goes to <paramref name="onUpdate"/>; <paramref name="cancellationToken"/> cancels the request on the
    /// server too.
    /// </summary>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The app's input.</param>
    /// <param name="options">Submit options, with <see cref="FalSubmitOptions.OnEnqueue"/> and <see cref="FalSubmitOptions.OnQueueUpdate"/> as fal_client's callbacks.</param>
    /// <param name="onUpdate">Called with each status (on change), after <see cref="FalSubmitOptions.OnQueueUpdate"/>.</param>
    /// <param name="cancellationToken">Stops waiting and cancels the request.</param>
    /// <returns>The output JSON.</returns>
    /// <exception cref="FalHttpException">The request finished with an error.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual Task<JsonElement> SubscribeAsync(
        string appId, object? input, FalSubmitOptions? options = null, Action<FalStatus>? onUpdate = null, CancellationToken cancellationToken = default) =>
        WaitForOutputAsync(Submit(appId, input, options), onUpdate, cancellationToken);

    // Every overload (object, JsonElement, JsonNode, typed) checks here: a disposed client refuses at the call.
    private FalSubmitOptions Checked(FalSubmitOptions? options)
    {
        _api.Runs.ThrowIfClosed();
        options ??= FalSubmitOptions.Default;
        FalOptionsValidation.Validate(options, nameof(options));
        return options;
    }

    // The JSON and typed overloads serialize without reflection and carry no files to upload.
    private IObservable<FalStatus> SubmitBody(FalAppId app, FalSubmitOptions options, byte[] body) =>
        SubmitPrepared(app, options, PreparedInput.FromBody(body));

    private Task<FalRequestHandle> SubmitBodyAsync(FalAppId app, FalSubmitOptions options, byte[] body, CancellationToken cancellationToken) =>
        SubmitPreparedAsync(app, options, PreparedInput.FromBody(body), cancellationToken);

    private IObservable<FalStatus> SubmitPrepared(FalAppId app, FalSubmitOptions options, PreparedInput input)
    {
        var statuses = SubmitRun.Create(_api, _pendingCancellations, app, input, Storage, options);
        return options.OnQueueUpdate is { } onUpdate ? statuses.Do(onUpdate) : statuses;
    }

    private async Task<FalRequestHandle> SubmitPreparedAsync(FalAppId app, FalSubmitOptions options, PreparedInput input, CancellationToken cancellationToken)
    {
        var body = await input.BodyAsync(Storage, cancellationToken).ConfigureAwait(false);
        var answer = await _api.SubmitAsync(app, body, options, cancellationToken).ConfigureAwait(false);
        var handle = new FalRequestHandle(_api, app, answer.RequestId, _api.UrlsOf(app, answer));
        if (options.OnEnqueue is { } onEnqueue)
        {
            try
            {
                onEnqueue(answer.RequestId);
            }
            catch
            {
                // The caller never gets this handle: leave no request running that nobody can reach.
                await CancelQuietlyAsync(handle).ConfigureAwait(false);
                throw;
            }
        }

        return handle;
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
    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private static async Task CancelQuietlyAsync(FalRequestHandle handle)
    {
        try
        {
            await handle.CancelAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the callback's own exception is what the caller must see.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

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
