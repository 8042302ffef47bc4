namespace Fal.Reactive;

/// <summary>
/// The names under which the client reports its traces and metrics, for OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>.
/// </summary>
/// <remarks>
/// Each <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> subscription is one <c>fal.request</c>
/// span (kind client) from the submit to the end, tagged <c>fal.app_id</c>, <c>fal.request_id</c> and
/// <c>fal.outcome</c> (<c>completed</c>, <c>failed</c> or <c>cancelled</c>), with events <c>fal.submitted</c>,
/// <c>fal.queued</c> (each queue position), <c>fal.started</c>, <c>fal.completed</c> and <c>fal.cancel_sent</c>;
/// fal's HTTP calls (HttpClient's own spans) are its children. The meter reports
/// <c>fal.client.requests</c>, <c>fal.client.request.duration</c>, <c>fal.client.request.queue.duration</c>,
/// <c>fal.client.request.run.duration</c>, <c>fal.client.request.http_calls</c> and <c>fal.client.retries</c>;
/// durations are measured on the client's scheduler, so virtual time in tests gives exact values.
/// </remarks>
public static class FalTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>Fal.Reactive</c>.</summary>
    public const string ActivitySourceName = "Fal.Reactive";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>Fal.Reactive</c>.</summary>
    public const string MeterName = "Fal.Reactive";
}
