using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fal.Reactive.AspNetCore;

/// <summary>Serves one webhook delivery: bounded read of the raw body, verification, publication, status code.</summary>
internal sealed partial class FalWebhookEndpoint(FalWebhookVerifier verifier, FalWebhookHub hub, long maxBodyBytes)
{
    public async Task HandleAsync(HttpContext context)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Fal.Reactive.AspNetCore.FalWebhooks");
        var headers = FalWebhookHeaders.From(name => context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null);
        // Headers first: an unsigned, stale or malformed delivery is refused before a byte of its body is read.
        if (verifier.CheckHeaders(headers) is { } refused)
        {
            if (logger is not null)
            {
                LogRejected(logger, refused.Reason, refused.Message);
            }

            await AnswerAsync(context, StatusCodeOf(refused.Reason), refused.Message).ConfigureAwait(false);
            return;
        }

        var body = await WebhookBody.ReadAsync(context.Request.Body, context.Request.ContentLength, maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            if (logger is not null)
            {
                LogTooLarge(logger, maxBodyBytes);
            }

            await AnswerAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var outcome = await verifier.VerifyAsync(headers, body, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Webhook is { } webhook)
        {
            // The webhook path's own span and log event: the submit's span ended when fal queued the request.
            using (var span = s_source.StartActivity("fal.webhook", ActivityKind.Server))
            {
                span?.SetTag("fal.request_id", webhook.RequestId);
                span?.SetTag("fal.outcome", webhook.IsSuccess ? "completed" : "failed");
                if (logger is not null)
                {
                    LogDelivered(logger, webhook.RequestId, webhook.IsSuccess ? "completed" : "failed");
                }

                // Asynchronously: the waiters have it at once, and this delivery waits for the observers' turn without a thread.
                if (await hub.PublishAsync(webhook).ConfigureAwait(false) == FalWebhookPublishOutcome.Full)
                {
                    if (logger is not null)
                    {
                        LogHubFull(logger, webhook.RequestId, hub.Capacity);
                    }

                    span?.SetTag("fal.outcome", "refused");
                    await AnswerAsync(context, StatusCodes.Status503ServiceUnavailable, $"The webhook hub holds {hub.Capacity} webhooks younger than its retention; retry later.").ConfigureAwait(false);
                    return;
                }
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (logger is not null)
        {
            LogRejected(logger, outcome.Reason, outcome.Message);
        }

        await AnswerAsync(context, StatusCodeOf(outcome.Reason), outcome.Message).ConfigureAwait(false);
    }

    private static readonly ActivitySource s_source = new(FalTelemetry.ActivitySourceName);

    [LoggerMessage(3, LogLevel.Information, "fal webhook for request {RequestId} received and verified: {Outcome}")]
    private static partial void LogDelivered(ILogger logger, string requestId, string outcome);

    [LoggerMessage(4, LogLevel.Warning, "Refused the fal webhook for request {RequestId} with 503: the hub holds {Capacity} webhooks younger than its retention (fal retries it).")]
    private static partial void LogHubFull(ILogger logger, string requestId, int capacity);

    [LoggerMessage(1, LogLevel.Warning, "Rejected a fal webhook delivery: the body is larger than {MaxBodyBytes} bytes.")]
    private static partial void LogTooLarge(ILogger logger, long maxBodyBytes);

    [LoggerMessage(2, LogLevel.Warning, "Rejected a fal webhook delivery ({Reason}): {Message}")]
    private static partial void LogRejected(ILogger logger, FalWebhookVerificationReason reason, string message);

    /// <summary>Failures fal's retries may cure (our key fetch) get 503; a signed non-webhook 400; the rest, unauthenticated, 401.</summary>
    internal static int StatusCodeOf(FalWebhookVerificationReason reason) => reason switch
    {
        FalWebhookVerificationReason.JwksUnavailable => StatusCodes.Status503ServiceUnavailable,
        FalWebhookVerificationReason.InvalidPayload => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status401Unauthorized,
    };

    private static Task AnswerAsync(HttpContext context, int statusCode, string detail)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["detail"] = detail }, context.RequestAborted);
    }
}
