using Microsoft.Extensions.Logging;

namespace Fal.Reactive;

/// <summary>
/// The client's log events (source-generated, so nothing is formatted unless the level is on). They name
/// requests by id and app, never a key, header or input.
/// </summary>
internal static partial class FalLogMessages
{
    [LoggerMessage(1, LogLevel.Information, "fal request {RequestId} submitted to {AppId} (queue position {QueuePosition})")]
    public static partial void Submitted(ILogger logger, string requestId, string appId, int? queuePosition);

    [LoggerMessage(2, LogLevel.Debug, "fal request {RequestId} of {AppId} is {Status} (queue position {QueuePosition})")]
    public static partial void StatusChanged(ILogger logger, string requestId, string appId, string status, int? queuePosition);

    [LoggerMessage(3, LogLevel.Information, "fal request {RequestId} of {AppId} completed in {Duration}")]
    public static partial void Completed(ILogger logger, string requestId, string appId, TimeSpan duration);

    [LoggerMessage(4, LogLevel.Warning, "fal request {RequestId} of {AppId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, Exception exception, string? requestId, string appId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "fal {Operation} of request {RequestId} failed transiently; retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string operation, string? requestId, int attempt, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Information, "fal request {RequestId} cancelled on the server")]
    public static partial void CancelSent(ILogger logger, string requestId);

    [LoggerMessage(7, LogLevel.Warning, "fal request {RequestId}: the cancel was not sent: {Reason}")]
    public static partial void CancelFailed(ILogger logger, Exception exception, string requestId, string reason);
}
