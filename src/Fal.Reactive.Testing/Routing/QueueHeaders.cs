using System.Globalization;
using System.Web;

namespace Fal.Reactive.Testing;

/// <summary>What a submit, run or stream call asks of the queue: priority, runner hint, start timeout, webhook.</summary>
internal sealed record QueueHeaders(bool LowPriority, string? Hint, TimeSpan? StartTimeout, Uri? Webhook)
{
    /// <summary>Reads X-Fal-Queue-Priority, X-Fal-Runner-Hint, X-Fal-Request-Timeout and fal_webhook; null (and why) when one is invalid.</summary>
    public static QueueHeaders? Parse(SimulatorHttpRequest request, FalCallKind kind, out string error)
    {
        error = string.Empty;
        var priority = request.Header("X-Fal-Queue-Priority")?.Trim();
        var lowPriority = "low".Equals(priority, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(priority) && !lowPriority && !priority.Equals("normal", StringComparison.OrdinalIgnoreCase))
        {
            error = "Invalid X-Fal-Queue-Priority: expected 'normal' or 'low'.";
            return null;
        }

        TimeSpan? startTimeout = null;
        if (request.Header("X-Fal-Request-Timeout") is { } timeoutText)
        {
            if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 1e9)
            {
                error = "Invalid X-Fal-Request-Timeout: expected a positive number of seconds.";
                return null;
            }

            startTimeout = TimeSpan.FromSeconds(seconds);
        }

        Uri? webhook = null;
        if (kind == FalCallKind.Submit && HttpUtility.ParseQueryString(request.Url.Query)["fal_webhook"] is { } webhookText
            && !Uri.TryCreate(webhookText, UriKind.Absolute, out webhook))
        {
            error = "Invalid fal_webhook: expected an absolute URL.";
            return null;
        }

        return new QueueHeaders(lowPriority, request.Header("X-Fal-Runner-Hint"), startTimeout, webhook);
    }

    /// <summary>Whether <c>?logs=1</c> (or <c>true</c>) asks a status call for the logs.</summary>
    public static bool LogsRequested(Uri url) =>
        HttpUtility.ParseQueryString(url.Query)["logs"] is { } logs
        && (logs == "1" || logs.Equals("true", StringComparison.OrdinalIgnoreCase));
}
