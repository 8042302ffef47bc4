using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// Every HTTP call the client makes, each written once for both the synchronous API (real
/// <see cref="HttpClient.Send(HttpRequestMessage, CancellationToken)"/>, no blocking on tasks) and the
/// asynchronous one: the <c>async</c> flag picks the I/O, as in Azure.Core.
/// </summary>
internal sealed class FalPipeline
{
    private static readonly string s_userAgent =
        "Fal.Reactive/" + (typeof(FalPipeline).Assembly.GetName().Version?.ToString(3) ?? "0");

    private readonly HttpClient _http;
    private readonly FalCredentials? _credentials;
    private readonly ConcurrentDictionary<Task, byte> _pendingCancellations = new();

    public FalPipeline(HttpClient http, FalClientOptions options, FalCredentials? credentials)
    {
        _http = http;
        Options = options;
        _credentials = credentials;
    }

    /// <summary>The client's validated options (a private copy).</summary>
    public FalClientOptions Options { get; }

    public IScheduler Scheduler => Options.Scheduler;

    /// <summary>
    /// Remembers the work a disposed subscription still has to do (learn its request id, send the cancel)
    /// until it is done, so that <see cref="WhenCancellationsSentAsync"/> can wait for it.
    /// </summary>
    public void TrackCancellation(Task work)
    {
        if (_pendingCancellations.TryAdd(work, 0))
        {
            work.ContinueWith(
                static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
                _pendingCancellations,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public Task WhenCancellationsSentAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_pendingCancellations.Keys).WaitAsync(cancellationToken);

    /// <summary>Throws <see cref="MissingCredentialsException"/> when there is no key, before anything is sent.</summary>
    public void EnsureCredentials()
    {
        if (_credentials is null)
        {
            throw new MissingCredentialsException();
        }
    }

    public async ValueTask<FalSubmitAnswer> SubmitAsync(bool async, FalAppId app, byte[] input, FalSubmitOptions options, CancellationToken cancellationToken)
    {
        var url = new Uri(Options.QueueUrl, app.SubmitPath + WebhookQuery(options.WebhookUrl));
        // Submits are not retried: a second POST would be a second (billed) request.
        return await SendAsync(
            async,
            "submit",
            requestId: null,
            () => CreateRequest(HttpMethod.Post, url, input, options),
            static (_, body) => FalWire.ParseSubmit(body),
            RetryRule.Never,
            Scheduler,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<FalStatus> StatusAsync(bool async, FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var url = urls.StatusQuery(withLogs);
        return await SendAsync(
            async,
            "status",
            requestId,
            () => CreateRequest(HttpMethod.Get, url, body: null, options: null),
            (_, body) => FalWire.ParseStatus(body, requestId, withLogs),
            RetryRule.Transient,
            scheduler,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<JsonElement?> ResultAsync(bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken) =>
        await SendAsync(
            async,
            "result",
            requestId,
            () => CreateRequest(HttpMethod.Get, urls.Response, body: null, options: null),
            (_, body) => FalWire.ParseResult(body, requestId),
            // The result replays the app's own answer: its 500 or 503 is the outcome, not a glitch.
            RetryRule.TransientUnlessFromTheApp,
            scheduler,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Cancels a request. A request that already completed is not an error: cancelling is idempotent.</summary>
    public async ValueTask CancelAsync(bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(
                async,
                "cancel",
                requestId,
                () => CreateRequest(HttpMethod.Put, urls.Cancel, body: null, options: null),
                static (_, _) => true,
                RetryRule.Transient,
                scheduler,
                cancellationToken).ConfigureAwait(false);
        }
        catch (FalHttpException e) when (e.ResponseBody?.Contains("ALREADY_COMPLETED", StringComparison.Ordinal) == true)
        {
        }
    }

    public async ValueTask<JsonElement?> RunAsync(bool async, FalAppId app, byte[] input, FalSubmitOptions options, CancellationToken cancellationToken)
    {
        var url = new Uri(Options.RunUrl, app.SubmitPath);
        return await SendAsync(
            async,
            "run",
            requestId: null,
            () => CreateRequest(HttpMethod.Post, url, input, options),
            static (response, body) => FalWire.ParseResult(body, FalErrors.RequestIdOf(response) ?? "(direct run)"),
            RetryRule.Never,
            Scheduler,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads bytes to fal storage: ask the REST host for a signed URL (with the key), then PUT the bytes
    /// there (without it: the signed URL is on a storage host, which never sees the key).
    /// </summary>
    public async Task<Uri> UploadAsync(byte[] data, string contentType, string fileName, CancellationToken cancellationToken)
    {
        var initiate = new Uri(Options.RestUrl, "storage/upload/initiate?storage_type=fal-cdn-v3");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { content_type = contentType, file_name = fileName });
        var (uploadUrl, fileUrl) = await SendAsync(
            async: true,
            "upload",
            requestId: null,
            () => CreateRequest(HttpMethod.Post, initiate, body, options: null),
            static (_, answer) => FalWire.ParseUploadInitiate(answer),
            RetryRule.Transient,
            Scheduler,
            cancellationToken).ConfigureAwait(false);

        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(data) };
        put.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(put, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            throw FalErrors.FromResponse(response, error, "upload", requestId: null);
        }

        return fileUrl;
    }

    /// <summary>POSTs JSON with the key to a path under the REST host and returns the answer body (realtime tokens).</summary>
    public async Task<byte[]> PostRestJsonAsync(string relativePath, byte[] json, CancellationToken cancellationToken) =>
        await SendAsync(
            async: true,
            relativePath.TrimEnd('/'),
            requestId: null,
            () => CreateRequest(HttpMethod.Post, new Uri(Options.RestUrl, relativePath), json, options: null),
            static (_, body) => body,
            RetryRule.Transient,
            Scheduler,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a request's server-sent status stream (<c>GET …/status/stream</c>) once its headers arrived.</summary>
    public Task<HttpResponseMessage> OpenStatusStreamAsync(FalRequestUrls urls, string requestId, bool withLogs, CancellationToken cancellationToken) =>
        OpenEventStreamAsync(HttpMethod.Get, urls.StatusStreamQuery(withLogs), body: null, options: null, "status stream", requestId, cancellationToken);

    /// <summary>
    /// Opens a streaming run (<c>POST {run}/{app}/stream</c>, server-sent events) and returns the response
    /// once its headers arrived; the caller reads the events and disposes it.
    /// </summary>
    public Task<HttpResponseMessage> OpenStreamAsync(FalAppId app, byte[] input, FalSubmitOptions options, CancellationToken cancellationToken)
    {
        var path = app.SubmitPath.EndsWith("/stream", StringComparison.Ordinal) ? app.SubmitPath : app.SubmitPath + "/stream";
        return OpenEventStreamAsync(HttpMethod.Post, new Uri(Options.RunUrl, path), input, options, "stream", requestId: null, cancellationToken);
    }

    private async Task<HttpResponseMessage> OpenEventStreamAsync(
        HttpMethod method, Uri url, byte[]? body, FalSubmitOptions? options, string operation, string? requestId, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, url, body, options);
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

    private async ValueTask<T> SendAsync<T>(
        bool async,
        string operation,
        string? requestId,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, byte[], T> onSuccess,
        RetryRule retry,
        IScheduler scheduler,
        CancellationToken cancellationToken)
    {
        var maxRetries = retry == RetryRule.Never ? 0 : Options.Retry.MaxRetries;
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
                if (attempt >= maxRetries || !IsTransient(error, response, retry))
                {
                    throw error;
                }

                retryAfter = RetryAfter(response, scheduler);
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

            var delay = Options.Retry.GetDelay(attempt, retryAfter);
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

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri url, byte[]? body, FalSubmitOptions? options)
    {
        EnsureCredentials();
        // The key goes only to the hosts the user configured; URLs from answers are checked before use.
        if (!FalRequestUrls.IsUnder(url, Options.QueueUrl) && !FalRequestUrls.IsUnder(url, Options.RunUrl) && !FalRequestUrls.IsUnder(url, Options.RestUrl))
        {
            throw new InvalidOperationException($"Refusing to send the fal key to {url.GetLeftPart(UriPartial.Authority)}, which is not a configured fal host.");
        }

        var request = new HttpRequestMessage(method, url);
        // Unvalidated adds store the strings as they are: no header parsing on the per-poll path.
        request.Headers.TryAddWithoutValidation("Authorization", _credentials!.AuthorizationHeaderValue);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (options is not null)
        {
            foreach (var (name, value) in options.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (options.Priority is { } priority)
            {
                request.Headers.TryAddWithoutValidation("X-Fal-Queue-Priority", priority == FalQueuePriority.Low ? "low" : "normal");
            }

            if (options.Hint is { } hint)
            {
                request.Headers.TryAddWithoutValidation("X-Fal-Runner-Hint", hint);
            }

            if (options.StartTimeout is { } timeout)
            {
                request.Headers.TryAddWithoutValidation("X-Fal-Request-Timeout", timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            }
        }

        return request;
    }

    /// <summary>
    /// 408 and 429 are always worth another try; 5xx too, except a start timeout the caller set and, for a
    /// result, an answer fal attributes to the request (it carries <c>x-fal-request-id</c>): that is the app's
    /// own error, replayed, where an ingress failure carries no request id.
    /// </summary>
    private static bool IsTransient(FalHttpException e, HttpResponseMessage response, RetryRule rule) =>
        !e.IsUserTimeout
        && (e.StatusCode is 408 or 429
            || (e.StatusCode is 500 or 502 or 503 or 504
                && (rule != RetryRule.TransientUnlessFromTheApp || FalErrors.RequestIdOf(response) is null)));

    private static TimeSpan? RetryAfter(HttpResponseMessage response, IScheduler scheduler) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - scheduler.Now,
            _ => null,
        };

    /// <summary>Which failures of a call are tried again.</summary>
    private enum RetryRule
    {
        /// <summary>Never (submits and runs: a second POST is a second request).</summary>
        Never,

        /// <summary>Transport errors and transient statuses.</summary>
        Transient,

        /// <summary>As <see cref="Transient"/>, but not 5xx answers fal attributes to the request.</summary>
        TransientUnlessFromTheApp,
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

    private static string WebhookQuery(Uri? webhook) =>
        webhook is null ? string.Empty : "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri);

}
