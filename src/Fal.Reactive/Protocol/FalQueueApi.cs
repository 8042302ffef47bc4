using System.Reactive.Concurrency;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// fal's endpoints: submit, status, result and cancel on the queue host; run and stream on the run host;
/// upload on the REST host. Each knows its URL, whether it may be retried, and how its answer is parsed.
/// </summary>
internal sealed class FalQueueApi(FalTransport transport)
{
    public FalTransport Transport => transport;

    public FalClientOptions Options => transport.Options;

    public IScheduler Scheduler => transport.Options.Scheduler;

    public FalDiagnostics Diagnostics => transport.Diagnostics;

    /// <summary>The runs of the client's subscriptions, and whether the client is disposed (shared with its handles).</summary>
    public LiveRuns Runs { get; } = new();

    /// <summary>The client's shared watches of submitted requests: one poll loop per request and way of watching.</summary>
    public SharedWatches Watches { get; } = new();

    /// <summary>Submits a request. Retried only when the answer proves nothing was enqueued: a second POST after an ambiguous failure would be a second (billed) request.</summary>
    public ValueTask<FalSubmitAnswer> SubmitAsync(FalAppId app, byte[] input, SubmitSettings options, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        var url = new Uri(Options.QueueUrl, app.SubmitPath + WebhookQuery(options.WebhookUrl));
        var headers = options.CallHeaders;
        return transport.SendAsync(
            async: true,
            "submit",
            requestId: null,
            () => transport.CreateRequest(HttpMethod.Post, url, input, headers),
            static (_, body) => FalWire.ParseSubmit(body),
            FalRetryRule.NothingEnqueued,
            options.Scheduler ?? Scheduler,
            cancellationToken,
            telemetry: telemetry);
    }

    /// <summary>The URLs of a submitted request: those the answer gave when they are on the queue host, else fal's documented ones.</summary>
    public FalRequestUrls UrlsOf(FalAppId app, FalSubmitAnswer answer) =>
        FalRequestUrls.Choose(
            Options.QueueUrl,
            app,
            answer.RequestId,
            answer.StatusUrl,
            answer.ResponseUrl,
            answer.CancelUrl);

    /// <summary>Asks a request's status. A poll loop passes its <paramref name="deadline"/>, reused across its calls.</summary>
    public ValueTask<FalStatus> StatusAsync(
        bool async, FalRequestUrls urls, string requestId, bool withLogs, IScheduler scheduler, CancellationToken cancellationToken, AttemptDeadline? deadline = null, FalRequestTelemetry? telemetry = null) =>
        transport.SendAsync(
            async,
            "status",
            requestId,
            (transport, url: urls.StatusQuery(withLogs), requestId, withLogs),
            static s => s.transport.CreateRequest(HttpMethod.Get, s.url, body: null, headers: null),
            static (s, response, body) =>
            {
                FalWire.EnsureSameRequest(response, s.requestId, "status");
                return FalWire.ParseStatus(body, s.requestId, s.withLogs);
            },
            FalRetryRule.Transient,
            scheduler,
            cancellationToken,
            deadline: deadline,
            telemetry: telemetry);

    /// <summary>Fetches a completed request's result, read up to <see cref="FalClientOptions.MaxResultBytes"/>.</summary>
    public ValueTask<JsonElement?> ResultAsync(
        bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken, AttemptDeadline? deadline = null, FalRequestTelemetry? telemetry = null) =>
        transport.SendAsync(
            async,
            "result",
            requestId,
            (transport, url: urls.Response, requestId),
            static s => s.transport.CreateRequest(HttpMethod.Get, s.url, body: null, headers: null),
            static (s, response, body) =>
            {
                FalWire.EnsureSameRequest(response, s.requestId, "result");
                return FalWire.ParseResult(body, s.requestId);
            },
            // The result replays the app's own answer: its 500 or 503 is the outcome, not a glitch.
            FalRetryRule.TransientUnlessFromTheApp,
            scheduler,
            cancellationToken,
            Options.MaxResultBytes,
            deadline,
            telemetry);

    /// <summary>Cancels a request. A request that already completed is not an error: cancelling is idempotent.</summary>
    public async ValueTask CancelAsync(bool async, FalRequestUrls urls, string requestId, IScheduler scheduler, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null)
    {
        try
        {
            await transport.SendAsync(
                async,
                "cancel",
                requestId,
                () => transport.CreateRequest(HttpMethod.Put, urls.Cancel, body: null, headers: null),
                static (_, _) => true,
                FalRetryRule.Transient,
                scheduler,
                cancellationToken,
                telemetry: telemetry).ConfigureAwait(false);
            Diagnostics.CancelSent(requestId, telemetry);
        }
        catch (FalHttpException e) when (e.ResponseBody?.Contains("ALREADY_COMPLETED", StringComparison.Ordinal) == true)
        {
        }
    }

    /// <summary>A direct run on the run host, with the request id fal answers with. Retried as a submit: only when nothing was enqueued.</summary>
    public ValueTask<(string? RequestId, JsonElement? Result)> RunAsync(bool async, FalAppId app, byte[] input, RunSettings options, CancellationToken cancellationToken)
    {
        var url = new Uri(Options.RunUrl, app.SubmitPath);
        var headers = options.CallHeaders;
        return transport.SendAsync(
            async,
            "run",
            requestId: null,
            () => transport.CreateRequest(HttpMethod.Post, url, input, headers),
            static (response, body) =>
            {
                var requestId = FalErrors.RequestIdOf(response);
                return (requestId, FalWire.ParseResult(body, requestId ?? "(direct run)"));
            },
            FalRetryRule.NothingEnqueued,
            Scheduler,
            cancellationToken,
            Options.MaxResultBytes);
    }

    /// <summary>Opens a request's server-sent status stream (<c>GET …/status/stream</c>) once its headers arrived.</summary>
    public Task<HttpResponseMessage> OpenStatusStreamAsync(FalRequestUrls urls, string requestId, bool withLogs, CancellationToken cancellationToken, FalRequestTelemetry? telemetry = null) =>
        transport.OpenEventStreamAsync(HttpMethod.Get, urls.StatusStreamQuery(withLogs), body: null, headers: null, "status stream", requestId, cancellationToken, telemetry);

    /// <summary>
    /// Opens a streaming run (<c>POST {run}/{app}/stream</c>, server-sent events) and returns the response
    /// once its headers arrived; the caller reads the events and disposes it.
    /// </summary>
    public Task<HttpResponseMessage> OpenStreamAsync(FalAppId app, byte[] input, RunSettings options, CancellationToken cancellationToken)
    {
        var path = app.SubmitPath.EndsWith("/stream", StringComparison.Ordinal) ? app.SubmitPath : app.SubmitPath + "/stream";
        return transport.OpenEventStreamAsync(HttpMethod.Post, new Uri(Options.RunUrl, path), input, options.CallHeaders, "stream", requestId: null, cancellationToken);
    }

    private static string WebhookQuery(Uri? webhook) =>
        webhook is null ? string.Empty : "?fal_webhook=" + Uri.EscapeDataString(webhook.AbsoluteUri);
}
