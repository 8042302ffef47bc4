using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// fal's queue host (<see cref="FalClientOptions.QueueUrl"/>): submit, status, status stream (read as statuses), result and cancel.
/// Each call knows its URL, whether it may be retried, and how its answer is parsed.
/// </summary>
internal sealed class QueueEndpoint(FalTransport transport)
{
    // Static and cached: a poll's call allocates no delegate.
    private static readonly Func<FalAnswer, FalSubmitAnswer> s_submit = static a => FalWire.ParseSubmit(a.Body);
    private static readonly Func<FalAnswer, FalStatus> s_status = static a => Status(a, withLogs: false);
    private static readonly Func<FalAnswer, FalStatus> s_statusWithLogs = static a => Status(a, withLogs: true);
    private static readonly Func<FalAnswer, bool> s_cancelled = static _ => true;
    private static readonly Func<FalAnswer, JsonElement?> s_result = static a =>
    {
        FalWire.EnsureSameRequest(a.Response, a.RequestId!, "result");
        return FalWire.ParseResult(a.Body, a.RequestId!);
    };

    public FalClientOptions Options => transport.Options;

    /// <summary>Submits a request. Retried only when the answer proves nothing was enqueued: a second POST after an ambiguous failure would be a second (billed) request.</summary>
    /// <remarks>
    /// The retry back-off waits on <paramref name="scheduler"/> (the call's own), else the client's. An answer refused
    /// once its request id is known (in the body or in <c>x-fal-request-id</c>: a negative queue position, a missing
    /// field, truncated JSON, an answer over the bound) names a request fal enqueued and bills: it is cancelled on the
    /// server (fal's documented URL) before the <see cref="FalProtocolException"/>, carrying the id, is thrown.
    /// </remarks>
    public async ValueTask<FalSubmitAnswer> SubmitAsync(
        FalAppId app, byte[] input, Uri? webhookUrl, FalCallHeaders headers, IScheduler? scheduler, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        var on = scheduler ?? Options.Scheduler;
        FalSubmitAnswer answer;
        try
        {
            answer = await transport.SendAsync(
                async: true,
                new FalCall<FalSubmitAnswer>
                {
                    Operation = "submit",
                    Method = HttpMethod.Post,
                    Url = new Uri(Options.QueueUrl, app.SubmitPath + WebhookQuery(webhookUrl)),
                    Body = input,
                    Headers = headers,
                    Retry = FalRetryRule.NothingEnqueued,
                    AmbiguousTimeout = Options.Retry.SubmitTimeout,
                    Scheduler = on,
                    Telemetry = telemetry,
                    Parse = s_submit,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (FalProtocolException e) when (e.RequestId is { } id && FalOptionsValidation.IsSafeRequestId(id) && !transport.HoldsSecret(id))
        {
            throw await CancelRefusedAsync(app, id, e, on, telemetry).ConfigureAwait(false);
        }

        // An id that holds the key would carry it into every later URL, error and log: no call names it, not even a cancel.
        return transport.HoldsSecret(answer.RequestId)
            ? throw new FalProtocolException("The submit answer's request_id contains the API key (or a part of it), so it was refused and no call naming it was made, not even a cancel: the request may run and be billed on fal.")
            : answer;
    }
    /// <summary>The URLs of a submitted request: those the answer gave when they are on the queue host, else fal's documented ones.</summary>
    public FalRequestUrls UrlsOf(FalAppId app, FalSubmitAnswer answer) =>
        FalRequestUrls.Choose(Options.QueueUrl, app, answer.RequestId, answer.StatusUrl, answer.ResponseUrl, answer.CancelUrl);

    /// <summary>Asks a request's status. A poll loop passes its <paramref name="deadline"/>, reused across its calls.</summary>
    public ValueTask<FalStatus> StatusAsync(
        bool async, FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, CancellationToken cancellationToken, AttemptDeadline? deadline = null, FalRequestTelemetry? telemetry = null) =>
        transport.SendAsync(
            async,
            new FalCall<FalStatus>
            {
                Operation = "status",
                Method = HttpMethod.Get,
                Url = urls.StatusQuery(withLogs),
                RequestId = requestId,
                LogTail = withLogs ? Options.MaxLogLines : null,
                Retry = FalRetryRule.Transient,
                Scheduler = scheduler,
                Deadline = deadline,
                Telemetry = telemetry,
                Parse = withLogs ? s_statusWithLogs : s_status,
            },
            cancellationToken);

    /// <summary>Fetches a completed request's result, read up to <see cref="FalClientOptions.MaxResultBytes"/>.</summary>
    public ValueTask<JsonElement?> ResultAsync(
        bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken, AttemptDeadline? deadline = null, FalRequestTelemetry? telemetry = null) =>
        transport.SendAsync(
            async,
            new FalCall<JsonElement?>
            {
                Operation = "result",
                Method = HttpMethod.Get,
                Url = urls.Response,
                RequestId = requestId,
                // The result replays the app's own answer: its 500 (or a 5xx fal attributes to the request) is the outcome, not a glitch.
                Retry = FalRetryRule.ReplaysTheAppsAnswer,
                MaxBytes = Options.MaxResultBytes,
                Scheduler = scheduler,
                Deadline = deadline,
                Telemetry = telemetry,
                Parse = s_result,
            },
            cancellationToken);

    /// <summary>Cancels a request. A request that already completed is not an error: cancelling is idempotent.</summary>
    public async ValueTask CancelAsync(bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        try
        {
            await transport.SendAsync(
                async,
                new FalCall<bool>
                {
                    Operation = "cancel",
                    Method = HttpMethod.Put,
                    Url = urls.Cancel,
                    RequestId = requestId,
                    Retry = FalRetryRule.Transient,
                    Scheduler = scheduler,
                    Telemetry = telemetry,
                    Parse = s_cancelled,
                },
                cancellationToken).ConfigureAwait(false);
            transport.Diagnostics.CancelSent(requestId, telemetry);
        }
        catch (FalHttpException e) when (e.ResponseBody?.Contains("ALREADY_COMPLETED", StringComparison.Ordinal) == true)
        {
        }
    }

    /// <summary>
    /// A request's server-sent status stream as statuses. Each event carries the logs new since the last one,
    /// so they are accumulated into the lists polling reports: the newest <see cref="FalClientOptions.MaxLogLines"/>. A stream that brings no status
    /// (headers included; keep-alives do not count) for <see cref="FalClientOptions.StatusStreamIdleTimeout"/> ends with
    /// <see cref="FalTimeoutException"/>, which its follower takes as the sign to poll instead.
    /// </summary>
    public async IAsyncEnumerable<FalStatus> ReadStatusStreamAsync(
        FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, FalRequestTelemetry? telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Only a status ends a wait: keep-alives prove the connection alive, not the request followed, and a stream
        // that sends nothing else would hide completion for good. The first wait starts before the headers: a stream
        // whose headers never come falls back as one that never sends a status.
        using var idle = new IdleTimeout(scheduler, Options.StatusStreamIdleTimeout, "The status stream", anyBytesCount: false, "polling takes over.") { RequestId = requestId };
        using var response = await OpenStatusStreamAsync(urls, requestId, withLogs, scheduler, idle, cancellationToken, telemetry).ConfigureAwait(false);
        var logs = withLogs ? new KeptLogs(Options.MaxLogLines, Options.MaxStatusBytes) : null;
        var events = FalEventStream.ReadAsync(response, Options.MaxStatusBytes, "status stream", requestId, idle, cancellationToken);
        await foreach (var data in events.ConfigureAwait(false))
        {
            var status = FalWire.ParseStatus(data, requestId, withLogs);
            yield return logs?.Add(status) ?? status;
        }
    }

    /// <summary>Cancels a request whose submit answer was refused; the error to throw, saying whether the cancel went out.</summary>
    private async Task<FalProtocolException> CancelRefusedAsync(FalAppId app, string requestId, FalProtocolException refused, IScheduler scheduler, FalRequestTelemetry? telemetry)
    {
        var prefix = refused.Message.StartsWith("Request ", StringComparison.Ordinal) ? string.Empty : $"Request {requestId}: ";
        try
        {
            // Not the caller's token: the request is billed whether or not the caller still waits.
            var urls = FalRequestUrls.Choose(Options.QueueUrl, app, requestId, null, null, null);
            await CancelAsync(async: true, urls, requestId, scheduler, CancellationToken.None, telemetry).ConfigureAwait(false);
            return new FalProtocolException($"{prefix}{refused.Message} The request was cancelled on the server.", refused) { RequestId = requestId };
        }
        catch (Exception e) when (e is FalException or HttpRequestException or IOException or OperationCanceledException)
        {
            return new FalProtocolException($"{prefix}{refused.Message} Cancelling it failed ({transport.Redact(e.Message)}): it may still run and be billed.", refused) { RequestId = requestId };
        }
    }

    /// <summary>Opens a request's server-sent status stream (<c>GET …/status/stream</c>) once its headers arrived, within <paramref name="idle"/>'s first wait.</summary>
    private async Task<HttpResponseMessage> OpenStatusStreamAsync(FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, IdleTimeout idle, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        try
        {
            return await transport.OpenEventStreamAsync(
                new FalCall<FalStatus>
                {
                    Operation = "status stream",
                    Method = HttpMethod.Get,
                    Url = urls.StatusStreamQuery(withLogs),
                    RequestId = requestId,
                    Scheduler = scheduler,
                    Telemetry = telemetry,
                },
                idle.Watch(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (idle.Expired && !cancellationToken.IsCancellationRequested)
        {
            throw idle.TimedOut(e);
        }
    }

    private static FalStatus Status(FalAnswer answer, bool withLogs)
    {
        FalWire.EnsureSameRequest(answer.Response, answer.RequestId!, "status");
        return KeptLogs.WithOmitted(FalWire.ParseStatus(answer.Body, answer.RequestId!, withLogs), answer.OmittedLogs);
    }

    private static string WebhookQuery(Uri? webhook) =>
        webhook is null ? string.Empty : "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri);
}
