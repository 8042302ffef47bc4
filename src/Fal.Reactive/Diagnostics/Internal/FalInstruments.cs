using System.Diagnostics.Metrics;

namespace Fal.Reactive;

/// <summary>
/// The client's metric instruments, named after OpenTelemetry's semantic conventions (dotted lower case,
/// durations in seconds). One set per meter: the shared one, or one per <see cref="IMeterFactory"/>.
/// </summary>
internal sealed class FalInstruments
{
    private static readonly string? s_version = typeof(FalInstruments).Assembly.GetName().Version?.ToString(3);
    private static FalInstruments? s_shared;

    private FalInstruments(Meter meter)
    {
        Requests = meter.CreateCounter<long>("fal.client.requests", "{request}", "Requests that ended, by fal.outcome (completed, failed, cancelled; submitted for SubmitAsync).");
        Duration = meter.CreateHistogram<double>("fal.client.request.duration", "s", "From submit to the end of the request.");
        QueueDuration = meter.CreateHistogram<double>("fal.client.request.queue.duration", "s", "From submit until fal reported the request running (or completed).");
        RunDuration = meter.CreateHistogram<double>("fal.client.request.run.duration", "s", "From the first IN_PROGRESS seen until COMPLETED.");
        HttpCalls = meter.CreateHistogram<int>("fal.client.request.http_calls", "{call}", "HTTP calls one request made (submit, polls, result, cancel, retries).");
        Retries = meter.CreateCounter<long>("fal.client.retries", "{retry}", "Calls tried again after a transient failure, by fal.operation.");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> QueueDuration { get; }

    public Histogram<double> RunDuration { get; }

    public Histogram<int> HttpCalls { get; }

    public Counter<long> Retries { get; }

    /// <summary>The instruments of <paramref name="factory"/>'s meter, or the shared static meter's.</summary>
    public static FalInstruments For(IMeterFactory? factory) =>
        factory is null
            ? LazyInitializer.EnsureInitialized(ref s_shared, static () => new FalInstruments(new Meter(FalTelemetry.MeterName, s_version)))
            // The factory caches meters by name and version, so every client of one host shares one meter.
            : new FalInstruments(factory.Create(new MeterOptions(FalTelemetry.MeterName) { Version = s_version }));
}
