using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// Sends fal's calls: builds each request (the key only to the configured hosts), sends it, reads the
/// answer and retries transient failures by the <see cref="FalRetryPolicy"/>. Each call is written once for
/// both APIs: the <c>async</c> flag picks real synchronous I/O (<see cref="HttpClient.Send(HttpRequestMessage, CancellationToken)"/>,
/// a blocking scheduler wait) or asynchronous I/O, as in Azure.Core.
/// </summary>
internal sealed partial class FalTransport
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
    public ValueTask<T> SendAsync<T>(
        bool async,
        string operation,
        string? requestId,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, byte[], T> onSuccess,
        FalRetryRule retry,
        IScheduler scheduler,
        CancellationToken cancellationToken,
        long? maxBytes = null,
        FalRequestTelemetry? telemetry = null) =>
        SendAsync(
            async,
            operation,
            requestId,
            (createRequest, onSuccess),
            static s => s.createRequest(),
            static (s, response, body) => s.onSuccess(response, body),
            retry,
            scheduler,
            cancellationToken,
            maxBytes,
            telemetry: telemetry);

    /// <summary>
    /// As <see cref="SendAsync{T}(bool, string, string?, Func{HttpRequestMessage}, Func{HttpResponseMessage, byte[], T}, FalRetryRule, IScheduler, CancellationToken, long?, FalRequestTelemetry?)"/>,
    /// with the call's data passed as <paramref name="state"/> to static delegates (no closure per call: the
    /// poll loop's calls go this way), and attempts bounded by the caller's reusable <paramref name="deadline"/>
    /// when it has one (else a deadline of this call's own). Calls and retries are counted on the request's
    /// <paramref name="telemetry"/>, handed down by its run (no ambient state: an async-local would make every
    /// resumed await restore a non-default execution context).
    /// </summary>
    public async ValueTask<T> SendAsync<TState, T>(
        bool async,
        string operation,
        string? requestId,
        TState state,
        Func<TState, HttpRequestMessage> createRequest,
        Func<TState, HttpResponseMessage, byte[], T> onSuccess,
        FalRetryRule retry,
        IScheduler scheduler,
        CancellationToken cancellationToken,
        long? maxBytes = null,
        AttemptDeadline? deadline = null,
        FalRequestTelemetry? telemetry = null)
    {
        var maxRetries = _retry.MaxRetries(retry);
        // A blocking call cannot be bounded on a scheduler it blocks: HttpClient.Timeout bounds it.
        var attemptTimeout = async ? _retry.AttemptTimeout(retry) : null;
        var ownDeadline = attemptTimeout is { } bound && deadline is null ? new AttemptDeadline(scheduler, bound) : null;
        var attemptDeadline = attemptTimeout is null ? null : deadline ?? ownDeadline;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                TimeSpan? retryAfter = null;
                var token = attemptDeadline?.Begin(cancellationToken) ?? cancellationToken;
                try
                {
                    await PrepareCredentialsAsync(async, scheduler, cancellationToken).ConfigureAwait(false);
                    using var request = createRequest(state);
                    var sentTo = request.RequestUri;
                    telemetry?.OnHttpCall();
                    using var response = async
                        ? await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false)
                        : _http.Send(request, HttpCompletionOption.ResponseHeadersRead, token);
                    EnsureNotRedirected(response, sentTo, operation, requestId);
                    if (response.IsSuccessStatusCode)
                    {
                        var body = await FalBody.ReadAsync(async, response.Content, maxBytes ?? Options.MaxStatusBytes, truncate: false, operation, requestId, token).ConfigureAwait(false);
                        return Redacted(onSuccess, state, response, body);
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
                    var timedOut = attemptDeadline?.Expired == true
                        ? new TimeoutException($"The attempt took longer than {attemptTimeout!.Value.TotalSeconds:0.###} s (FalRetryOptions.AttemptTimeout).", e)
                        : (Exception)e;
                    if (attempt >= maxRetries || !FalRetryPolicy.IsRetryableTransportFailure(timedOut, retry))
                    {
                        throw Unreachable(operation, requestId, timedOut);
                    }
                }
                finally
                {
                    attemptDeadline?.End();
                }

                var delay = _retry.Delay(attempt, retryAfter, scheduler, requestId);
                Diagnostics.Retrying(operation, requestId, attempt + 1, delay, telemetry);
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
        finally
        {
            ownDeadline?.Dispose();
        }
    }

    /// <summary>Sends a call whose answer is read as it arrives (server-sent events); returns once its headers arrived.</summary>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(
        HttpMethod method, Uri url, byte[]? body, FalCallHeaders? headers, string operation, string? requestId, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        await PrepareCredentialsAsync(async: true, Options.Scheduler, cancellationToken).ConfigureAwait(false);
        using var request = CreateRequest(method, url, body, headers);
        var sentTo = request.RequestUri;   // the proxy's URL in proxy mode
        request.Headers.Remove("Accept");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        telemetry?.OnHttpCall();
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

    /// <summary>An error answer as an exception: its body read up to the status bound, the key redacted.</summary>
    private async ValueTask<FalHttpException> ErrorAsync(bool async, HttpResponseMessage response, string operation, string? requestId, CancellationToken cancellationToken)
    {
        var body = await FalBody.ReadAsync(async, response.Content, Options.MaxStatusBytes, truncate: true, operation, requestId, cancellationToken).ConfigureAwait(false);
        return FalErrors.FromResponse(response, body, operation, requestId, Redact);
    }

    /// <summary>Maps an answer; a protocol error that quotes the answer is re-thrown with the key redacted.</summary>
    private T Redacted<TState, T>(Func<TState, HttpResponseMessage, byte[], T> onSuccess, TState state, HttpResponseMessage response, byte[] body)
    {
        try
        {
            return onSuccess(state, response, body);
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
