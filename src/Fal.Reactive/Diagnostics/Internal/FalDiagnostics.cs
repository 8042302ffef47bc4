using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fal.Reactive;

/// <summary>
/// One client's logger and instruments, and the call sites the transport and the request subscriptions use (one line each
/// there). Without a logger factory the logger is the null logger: the client is silent by default.
/// </summary>
internal sealed class FalDiagnostics
{
    /// <summary>The one <see cref="ActivitySource"/>: activity sources are process-wide by design.</summary>
    public static readonly ActivitySource Source = new(FalTelemetry.ActivitySourceName, typeof(FalDiagnostics).Assembly.GetName().Version?.ToString(3));

    public FalDiagnostics(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        Logger = loggerFactory?.CreateLogger<FalClient>() ?? NullLogger<FalClient>.Instance;
        Instruments = FalInstruments.For(meterFactory);
    }

    public ILogger Logger { get; }

    public FalInstruments Instruments { get; }

    /// <summary>The telemetry of one request (a Submit subscription), started when its subscription starts.</summary>
    public FalRequestTelemetry ForRequest(FalAppId app, IScheduler scheduler) => new(this, app.Id, scheduler);

    /// <summary>A call failed transiently and is tried again after <paramref name="delay"/>.</summary>
    public void Retrying(string operation, string? requestId, int attempt, TimeSpan delay, FalRequestTelemetry? telemetry)
    {
        FalLogMessages.Retrying(Logger, operation, requestId, attempt, delay);
        Instruments.Retries.Add(1, new KeyValuePair<string, object?>("fal.operation", operation));
        telemetry?.OnRetry(operation, attempt);
    }

    /// <summary>fal accepted a cancel (from a disposed subscription or a handle).</summary>
    public void CancelSent(string requestId, FalRequestTelemetry? telemetry)
    {
        FalLogMessages.CancelSent(Logger, requestId);
        telemetry?.OnCancelSent();
    }

    /// <summary>A best-effort cancel of a disposed subscription failed after its retries.</summary>
    public void CancelFailed(string requestId, Exception exception) =>
        FalLogMessages.CancelFailed(Logger, exception, requestId, exception.Message);
}
