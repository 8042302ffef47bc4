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
    }

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

    /// <summary>Sends a call (retried by <paramref name="retry"/>) and maps its success answer with <paramref name="onSuccess"/>.</summary>
    public async ValueTask<T> SendAsync<T>(
        bool async,
        string operation,
        string? requestId,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, byte[], T> onSuccess,
        FalRetryRule retry,
        IScheduler scheduler,
        CancellationToken cancellationToken)
    {
        var maxRetries = _retry.MaxRetries(retry);
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                await PrepareCredentialsAsync(async, scheduler, cancellationToken).ConfigureAwait(false);
                using var request = createRequest();
                using var response = async
                    ? await _http.SendAsync(request, cancellationToken).ConfigureAwait(false)
                    : _http.Send(request, cancellationToken);
                var body = async
                    ? await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)
                    : ReadAll(response.Content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return onSuccess(response, body);
                }

                var error = FalErrors.FromResponse(response, body, operation, requestId);
                if (attempt >= maxRetries || !FalRetryPolicy.IsTransient(error, response, retry))
                {
                    throw error;
                }

                retryAfter = FalRetryPolicy.RetryAfter(response, scheduler);
            }
            catch (HttpRequestException e)
            {
                if (attempt >= maxRetries)
                {
                    throw Unreachable(operation, requestId, e);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient.Timeout expired: not the caller's cancellation.
                if (attempt >= maxRetries)
                {
                    throw Unreachable(operation, requestId, e);
                }
            }

            var delay = _retry.Delay(attempt, retryAfter);
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
        request.Headers.Remove("Accept");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var error = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            throw FalErrors.FromResponse(response, error, operation, requestId);
        }
    }

    /// <summary>A request with the key, JSON accept and body, and the caller's headers.</summary>
    public HttpRequestMessage CreateRequest(HttpMethod method, Uri url, byte[]? body, FalCallHeaders? headers)
    {
        var credentials = EnsureCredentials();
        // The key goes only to the hosts the user configured; URLs from answers are checked before use.
        if (!FalRequestUrls.IsUnder(url, Options.QueueUrl) && !FalRequestUrls.IsUnder(url, Options.RunUrl) && !FalRequestUrls.IsUnder(url, Options.RestUrl))
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

    private static FalException Unreachable(string operation, string? requestId, Exception inner)
    {
        var what = requestId is null ? $"fal {operation}" : $"fal {operation} of request {requestId}";
        return new FalException($"{what} failed: {inner.Message}", inner) { RequestId = requestId };
    }

    private static byte[] ReadAll(HttpContent content, CancellationToken cancellationToken)
    {
        using var stream = content.ReadAsStream(cancellationToken);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
