using System.Globalization;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// Sends fal's calls: builds each request (the key only to the configured hosts), sends it, reads the
/// answer and retries transient failures by the <see cref="FalRetryPolicy"/>. Each call is written once for
/// both APIs: the <c>async</c> flag picks real synchronous I/O (<see cref="HttpClient.Send(HttpRequestMessage, CancellationToken)"/>,
/// a blocking scheduler wait) or asynchronous I/O, as in Azure.Core.
/// </summary>
internal sealed class FalTransport
{
    private static readonly string s_userAgent =
        "Fal.Reactive/" + (typeof(FalTransport).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>The header a proxy reads fal's URL from (the JS client's <c>TARGET_URL_HEADER</c>).</summary>
    public const string TargetUrlHeader = "x-fal-target-url";

    private readonly HttpClient _http;
    private readonly FalCredentials? _credentials;
    private readonly FalRetryPolicy _retry;

    public FalTransport(HttpClient http, FalClientOptions options, FalCredentials? credentials)
    {
        _http = http;
        Options = options;
        _credentials = credentials;
        _retry = new FalRetryPolicy(options.Retry);
        Diagnostics = new FalDiagnostics(options.LoggerFactory, options.MeterFactory);
    }

    /// <summary>The client's logger and instruments.</summary>
    public FalDiagnostics Diagnostics { get; }

    /// <summary>The client's validated options (a private copy).</summary>
    public FalClientOptions Options { get; }

    /// <summary>
    /// Throws <see cref="MissingCredentialsException"/> when there is no key, before anything is sent. In
    /// proxy mode credentials are optional: the proxy adds the key.
    /// </summary>
    public FalCredentials? EnsureCredentials() =>
        _credentials ?? (Options.ProxyUrl is null ? throw new MissingCredentialsException() : null);

    /// <summary>A token source's token, fetched or refreshed when due, before a call is built (a key: nothing to do).</summary>
    private ValueTask PrepareCredentialsAsync(bool async, IScheduler scheduler, CancellationToken cancellationToken) =>
        _credentials?.PrepareAsync(async, scheduler, cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>
    /// Sends a call (retried by <paramref name="retry"/>, each attempt bounded by the policy's attempt
    /// timeout on <paramref name="scheduler"/>) and maps its success answer, read up to
    /// <paramref name="maxBytes"/> (default <see cref="FalClientOptions.MaxStatusBytes"/>), with <paramref name="onSuccess"/>.
    /// </summary>
    public async ValueTask<T> SendAsync<T>(
        bool async,
        string operation,
        string? requestId,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, byte[], T> onSuccess,
        FalRetryRule retry,
        IScheduler scheduler,
        CancellationToken cancellationToken,
        long? maxBytes = null)
    {
        var maxRetries = _retry.MaxRetries(retry);
        // A blocking call cannot be bounded on a scheduler it blocks: HttpClient.Timeout bounds it.
        var attemptTimeout = async ? _retry.AttemptTimeout(retry) : null;
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            using var attemptTimer = attemptTimeout is { } bound ? new AttemptTimer(scheduler, bound, cancellationToken) : null;
            var token = attemptTimer?.Token ?? cancellationToken;
            try
            {
                await PrepareCredentialsAsync(async, scheduler, cancellationToken).ConfigureAwait(false);
                using var request = createRequest();
                var sentTo = request.RequestUri;
                FalDiagnostics.HttpCall();
                using var response = async
                    ? await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false)
                    : _http.Send(request, HttpCompletionOption.ResponseHeadersRead, token);
                EnsureNotRedirected(response, sentTo, operation, requestId);
                if (response.IsSuccessStatusCode)
                {
                    var body = await FalBody.ReadAsync(async, response.Content, maxBytes ?? Options.MaxStatusBytes, truncate: false, operation, requestId, token).ConfigureAwait(false);
                    return Redacted(onSuccess, response, body);
                }

                var error = await ErrorAsync(async, response, operation, requestId, token).ConfigureAwait(false);
                if (attempt >= maxRetries || !FalRetryPolicy.IsTransient(error, response, retry))
                {
                    throw error;
                }

                retryAfter = FalRetryPolicy.RetryAfter(response, scheduler);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                if (attempt >= maxRetries || !FalRetryPolicy.IsRetryableTransportFailure(e, retry))
                {
                    throw Unreachable(operation, requestId, e);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The attempt's timeout or HttpClient.Timeout expired, not the caller's cancellation: ambiguous
                // for a submit (it may have been enqueued), another try for the idempotent calls.
                var timedOut = attemptTimer?.Expired == true
                    ? new TimeoutException($"The attempt took longer than {attemptTimeout!.Value.TotalSeconds:0.###} s (FalRetryOptions.AttemptTimeout).", e)
                    : (Exception)e;
                if (attempt >= maxRetries || !FalRetryPolicy.IsRetryableTransportFailure(timedOut, retry))
                {
                    throw Unreachable(operation, requestId, timedOut);
                }
            }

            var delay = _retry.Delay(attempt, retryAfter, scheduler, requestId);
            Diagnostics.Retrying(operation, requestId, attempt + 1, delay);
            if (async)
            {
                await SchedulerDelay.Delay(scheduler, delay, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                SchedulerDelay.Wait(scheduler, delay, cancellationToken);
            }
        }
    }

    /// <summary>Sends a call whose answer is read as it arrives (server-sent events); returns once its headers arrived.</summary>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(
        HttpMethod method, Uri url, byte[]? body, FalCallHeaders? headers, string operation, string? requestId, CancellationToken cancellationToken)
    {
        await PrepareCredentialsAsync(async: true, Options.Scheduler, cancellationToken).ConfigureAwait(false);
        using var request = CreateRequest(method, url, body, headers);
        var sentTo = request.RequestUri;   // the proxy's URL in proxy mode
        request.Headers.Remove("Accept");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        FalDiagnostics.HttpCall();
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureNotRedirected(response, sentTo, operation, requestId);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(async: true, response, operation, requestId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The configured key, id and secret replaced in <paramref name="text"/>: nothing a server echoes reaches an exception or a log.</summary>
    public string? Redact(string? text) => _credentials is null ? text : _credentials.Redact(text);

    /// <summary>A request with the key, JSON accept and body, and the caller's headers.</summary>
    public HttpRequestMessage CreateRequest(HttpMethod method, Uri url, byte[]? body, FalCallHeaders? headers)
    {
        var credentials = EnsureCredentials();
        // The key goes only to the hosts the user configured; URLs from answers are checked before use.
        if (!IsConfiguredHost(url))
        {
            throw new InvalidOperationException($"Refusing to send the fal key to {url.GetLeftPart(UriPartial.Authority)}, which is not a configured fal host.");
        }

        // Proxy mode (as the JS client's proxyUrl): every call goes to the proxy, which reads fal's URL from
        // x-fal-target-url and adds the key itself.
        var request = Options.ProxyUrl is { } proxy ? new HttpRequestMessage(method, proxy) : new HttpRequestMessage(method, url);
        if (Options.ProxyUrl is not null)
        {
            request.Headers.TryAddWithoutValidation(TargetUrlHeader, url.AbsoluteUri);
        }

        // Unvalidated adds store the strings as they are: no header parsing on the per-poll path.
        if (credentials is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", credentials.AuthorizationHeaderValue);
        }

        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (headers is { } call)
        {
            AddCallHeaders(request, call);
        }

        return request;
    }

    private static void AddCallHeaders(HttpRequestMessage request, FalCallHeaders call)
    {
        foreach (var (name, value) in call.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (call.Priority is { } priority)
        {
            request.Headers.TryAddWithoutValidation("X-Fal-Queue-Priority", priority == FalQueuePriority.Low ? "low" : "normal");
        }

        if (call.StorageLifecycle is { } lifecycle)
        {
            request.Headers.TryAddWithoutValidation("X-Fal-Object-Lifecycle-Preference", lifecycle.HeaderValue);
        }

        if (call.Hint is { } hint)
        {
            request.Headers.TryAddWithoutValidation("X-Fal-Runner-Hint", hint);
        }

        if (call.StartTimeout is { } timeout)
        {
            request.Headers.TryAddWithoutValidation("X-Fal-Request-Timeout", timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// An answer must come from where the call was sent (a configured fal host, the proxy, or the storage URL
    /// the upload was told to use): the client's own HttpClient follows no redirect, but a caller's may have,
    /// and a foreign host's answer (its request id, its URLs) is not fal's.
    /// </summary>
    private static void EnsureNotRedirected(HttpResponseMessage response, Uri? sentTo, string operation, string? requestId)
    {
        if (response.RequestMessage?.RequestUri is { } url && sentTo is not null
            && !string.Equals(url.GetLeftPart(UriPartial.Authority), sentTo.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            var what = requestId is null ? $"The {operation} answer" : $"Request {requestId}: the {operation} answer";
            throw new FalProtocolException($"{what} came from {url.GetLeftPart(UriPartial.Authority)}, not {sentTo.GetLeftPart(UriPartial.Authority)} where it was sent (a redirect was followed).")
            {
                RequestId = requestId,
            };
        }
    }

    private bool IsConfiguredHost(Uri url) =>
        FalRequestUrls.IsUnder(url, Options.QueueUrl) || FalRequestUrls.IsUnder(url, Options.RunUrl) || FalRequestUrls.IsUnder(url, Options.RestUrl);

    /// <summary>An error answer as an exception: its body read up to the status bound, the key redacted.</summary>
    private async ValueTask<FalHttpException> ErrorAsync(bool async, HttpResponseMessage response, string operation, string? requestId, CancellationToken cancellationToken)
    {
        var body = await FalBody.ReadAsync(async, response.Content, Options.MaxStatusBytes, truncate: true, operation, requestId, cancellationToken).ConfigureAwait(false);
        return FalErrors.FromResponse(response, body, operation, requestId, Redact);
    }

    /// <summary>Maps an answer; a protocol error that quotes the answer is re-thrown with the key redacted.</summary>
    private T Redacted<T>(Func<HttpResponseMessage, byte[], T> onSuccess, HttpResponseMessage response, byte[] body)
    {
        try
        {
            return onSuccess(response, body);
        }
        catch (FalProtocolException e) when (Redact(e.Message) != e.Message)
        {
            throw new FalProtocolException(Redact(e.Message)!, e.InnerException) { RequestId = e.RequestId };
        }
    }

    private FalException Unreachable(string operation, string? requestId, Exception inner)
    {
        var what = requestId is null ? $"fal {operation}" : $"fal {operation} of request {requestId}";
        return new FalException($"{what} failed: {Redact(inner.Message)}", inner) { RequestId = requestId };
    }
}
