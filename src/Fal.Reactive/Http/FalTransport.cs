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

    public FalTransport(HttpClient http, FalClientOptions options, FalCredentials? credentials, FalDiagnostics diagnostics)
    {
        _http = http;
        Options = options;
        _credentials = credentials;
        _retry = new FalRetryPolicy(options.Retry);
        Diagnostics = diagnostics;
    }

    /// <summary>The client's logger and instruments (the retries are logged here).</summary>
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
    /// Sends <paramref name="call"/>, retried by its rule, each attempt bounded by the policy's attempt timeout
    /// (on the call's reusable deadline when it has one, else on one of its own), and reads its success answer,
    /// up to its bound, with its parse step. Calls and retries are counted on the call's telemetry, handed
    /// down by its request (no ambient state: an async-local would make every resumed await restore a
    /// non-default execution context).
    /// </summary>
    public async ValueTask<T> SendAsync<T>(bool async, FalCall<T> call, CancellationToken cancellationToken)
    {
        var maxRetries = _retry.MaxRetries(call.Retry);
        // Blocking calls too: the own HttpClient has no timeout, and the deadline's check runs on a scheduler
        // thread, not on the blocked one. A submit gets its own, ambiguous, bound.
        var attemptTimeout = _retry.AttemptTimeout(call.Retry) ?? call.AmbiguousTimeout;
        var ownDeadline = attemptTimeout is { } bound && call.Deadline is null ? new AttemptDeadline(call.Scheduler, bound) : null;
        var attemptDeadline = attemptTimeout is null ? null : call.Deadline ?? ownDeadline;
        var (operation, requestId, scheduler) = (call.Operation, call.RequestId, call.Scheduler);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                TimeSpan? retryAfter = null;
                var token = attemptDeadline?.Begin(cancellationToken) ?? cancellationToken;
                try
                {
                    await PrepareCredentialsAsync(async, scheduler, cancellationToken).ConfigureAwait(false);
                    using var request = CreateRequest(call);
                    var sentTo = request.RequestUri;
                    call.Telemetry?.OnHttpCall();
                    using var response = async
                        ? await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false)
                        : _http.Send(request, HttpCompletionOption.ResponseHeadersRead, token);
                    EnsureNotRedirected(response, sentTo, operation, requestId);
                    if (response.IsSuccessStatusCode)
                    {
                        try
                        {
                            var limit = call.MaxBytes ?? Options.MaxStatusBytes;
                            if (call.LogTail is { } lines && requestId is not null)
                            {
                                // fal repeats every log line so far: the bound holds for what is kept, not what is sent.
                                var (trimmed, omitted) = await StatusLogTail.ReadAsync(async, response.Content, limit, lines, requestId, token).ConfigureAwait(false);
                                return Parsed(call, new FalAnswer(response, trimmed, requestId, call.State) { OmittedLogs = omitted });
                            }

                            var body = await FalBody.ReadAsync(async, response.Content, limit, truncate: false, operation, requestId, token).ConfigureAwait(false);
                            return Parsed(call, new FalAnswer(response, body, requestId, call.State));
                        }
                        catch (FalProtocolException e) when (requestId is null && e.RequestId is null && FalErrors.RequestIdOf(response) is { } named && FalOptionsValidation.IsSafeRequestId(named) && !HoldsSecret(named))
                        {
                            // A refused answer that names its request (a submit's, over the bound or ill-formed): the
                            // error carries the id, so that the request, enqueued and billed, can be cancelled.
                            throw new FalProtocolException(e.Message, e.InnerException) { RequestId = named };
                        }
                    }

                    var error = await ErrorAsync(async, response, operation, requestId, token).ConfigureAwait(false);
                    if (attempt >= maxRetries || !FalRetryPolicy.IsTransient(error, response, call.Retry))
                    {
                        throw error;
                    }

                    retryAfter = FalRetryPolicy.RetryAfter(response, scheduler);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    if (attempt >= maxRetries || !FalRetryPolicy.IsRetryableTransportFailure(e, call.Retry))
                    {
                        throw Unreachable(operation, requestId, e);
                    }
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The attempt's timeout or HttpClient.Timeout expired, not the caller's cancellation: ambiguous
                    // for a submit (it may have been enqueued), another try for the idempotent calls.
                    if (attemptDeadline?.Expired == true && call.AmbiguousTimeout is { } ambiguous)
                    {
                        throw AmbiguousTimeout(operation, ambiguous, e);
                    }

                    var timedOut = attemptDeadline?.Expired == true
                        ? new TimeoutException($"The attempt took longer than {attemptTimeout!.Value.TotalSeconds:0.###} s (FalRetryOptions.AttemptTimeout).", e)
                        : (Exception)e;
                    if (attempt >= maxRetries || !FalRetryPolicy.IsRetryableTransportFailure(timedOut, call.Retry))
                    {
                        throw Unreachable(operation, requestId, timedOut);
                    }
                }
                finally
                {
                    attemptDeadline?.End();
                }

                var delay = _retry.Delay(attempt, retryAfter, scheduler, requestId);
                Diagnostics.Retrying(operation, requestId, attempt + 1, delay, call.Telemetry);
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

    /// <summary>Sends a call whose answer is read as it arrives (server-sent events); returns once its headers arrived. Not retried: its reader falls back or reports the end.</summary>
    public async Task<HttpResponseMessage> OpenEventStreamAsync<T>(FalCall<T> call, CancellationToken cancellationToken)
    {
        await PrepareCredentialsAsync(async: true, call.Scheduler, cancellationToken).ConfigureAwait(false);
        using var request = CreateRequest(call);
        var sentTo = request.RequestUri;   // the proxy's URL in proxy mode
        request.Headers.Remove("Accept");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        call.Telemetry?.OnHttpCall();
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureNotRedirected(response, sentTo, call.Operation, call.RequestId);
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
            throw await ErrorAsync(async: true, response, call.Operation, call.RequestId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The configured key, id and secret replaced in <paramref name="text"/>: nothing a server echoes reaches an exception or a log.</summary>
    public string? Redact(string? text) => _credentials is null ? text : _credentials.Redact(text);

    /// <summary>
    /// Whether <paramref name="text"/> (a request id) holds the key or a part of it in any form redaction knows: such an id
    /// would put the key into URLs, errors and logs, so it is refused wherever it comes from.
    /// </summary>
    public bool HoldsSecret(string? text) => !string.IsNullOrEmpty(text) && !string.Equals(Redact(text), text, StringComparison.Ordinal);

    /// <summary>An error answer as an exception: its body read up to the status bound, the key redacted.</summary>
    private async ValueTask<FalHttpException> ErrorAsync(bool async, HttpResponseMessage response, string operation, string? requestId, CancellationToken cancellationToken)
    {
        var body = await FalBody.ReadAsync(async, response.Content, Options.MaxStatusBytes, truncate: true, operation, requestId, cancellationToken).ConfigureAwait(false);
        return FalErrors.FromResponse(response, body, operation, requestId, Redact, HoldsSecret);
    }

    /// <summary>Runs the call's parse step; a protocol error that quotes the answer is re-thrown with the key redacted.</summary>
    private T Parsed<T>(FalCall<T> call, FalAnswer answer)
    {
        try
        {
            return call.Parse!(answer);
        }
        catch (FalProtocolException e) when (Redact(e.Message) != e.Message || HoldsSecret(e.RequestId))
        {
            // An id that holds the key is no id to report: the error carries none.
            throw new FalProtocolException(Redact(e.Message)!, e.InnerException) { RequestId = HoldsSecret(e.RequestId) ? null : e.RequestId };
        }
    }

    /// <summary>A submit that took longer than its bound: it may have been enqueued, and without an id it cannot be cancelled.</summary>
    private static FalTimeoutException AmbiguousTimeout(string operation, TimeSpan bound, Exception inner) =>
        new($"The fal {operation} got no answer within {bound.TotalSeconds:0.###} s (FalRetryOptions.SubmitTimeout). The request may have been enqueued (and billed); with no request id it cannot be cancelled or followed, and it was not sent again.", inner)
        {
            Timeout = bound,
        };

    private FalException Unreachable(string operation, string? requestId, Exception inner)
    {
        var what = requestId is null ? $"fal {operation}" : $"fal {operation} of request {requestId}";
        return new FalException($"{what} failed: {Redact(inner.Message)}", inner) { RequestId = requestId };
    }
}
