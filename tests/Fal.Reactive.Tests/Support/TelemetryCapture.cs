using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Fal.Reactive.Tests.Support;

/// <summary>
/// Captures what one test's client reports: its spans (those under the test's own root activity, so other
/// tests running in parallel do not leak in), its metrics (from a meter factory of its own) and its logs.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Activity _root;
    private readonly List<Activity> _stopped = [];
    private readonly OwnMeterFactory _meters = new();
    private readonly FakeLoggerProvider _logs = new();

    public TelemetryCapture()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FalTelemetry.ActivitySourceName || source.Name == "Fal.Reactive.Tests",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = TestSource.StartActivity("test root")!;
        LoggerFactory = new FakeLoggerFactory(_logs);
    }

    private static ActivitySource TestSource { get; } = new("Fal.Reactive.Tests");

    public IMeterFactory MeterFactory => _meters;

    public ILoggerFactory LoggerFactory { get; }

    public FakeLogCollector Logs => _logs.Collector;

    /// <summary>The client's spans that ended under this test's root.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_stopped)
            {
                return _stopped.Where(a => a.TraceId == _root.TraceId && a.Source.Name == FalTelemetry.ActivitySourceName).ToList();
            }
        }
    }

    public ActivityTraceId TraceId => _root.TraceId;

    public void Configure(FalClientOptions options)
    {
        options.MeterFactory = MeterFactory;
        options.LoggerFactory = LoggerFactory;
    }

    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_meters, FalTelemetry.MeterName, instrument);

    public void Dispose()
    {
        _root.Stop();
        _listener.Dispose();
        _meters.Dispose();
        _logs.Dispose();
    }

    /// <summary>Meters scoped to this factory, as the host's factory scopes them.</summary>
    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }

    private sealed class FakeLoggerFactory(FakeLoggerProvider provider) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
