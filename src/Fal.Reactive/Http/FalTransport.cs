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

    /// <summary>Throws <see cref="MissingCredentialsException"/> when there is no key, before anything is sent.</summary>
    public FalCredentials EnsureCredentials() => _credentials ?? throw new MissingCredentialsException();

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

        var request = new HttpRequestMessage(method, url);
        // Unvalidated adds store the strings as they are: no header parsing on the per-poll path.
        request.Headers.TryAddWithoutValidation("Authorization", credentials.AuthorizationHeaderValue);
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
