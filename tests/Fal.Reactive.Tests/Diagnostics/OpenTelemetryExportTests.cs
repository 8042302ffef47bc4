using System.Diagnostics;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Diagnostics;

/// <summary>docs/telemetry.md's OpenTelemetry wiring, with in-memory exporters: what an app's collector receives.</summary>
public class OpenTelemetryExportTests : ReactiveTest
{
    // An app id of its own: the providers listen process-wide, beside other tests' clients.
    private const string OwnApp = "otel-tests/echo";

    [Fact]
    public void AddSourceAndAddMeter_ExportTheRequestsSpanAndMetrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(FalTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(FalTelemetry.MeterName).AddInMemoryExporter(metrics).Build();
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(OwnApp, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));

        fal.Scheduler.Start(() => fal.Client.Submit(OwnApp, new { prompt = "otel" }), created: 50, subscribed: 200, disposed: Ticks(60));
        tracing!.ForceFlush();
        meters!.ForceFlush();

        var span = spans.Should().ContainSingle(a => Equals(a.GetTagItem("fal.app_id"), OwnApp)).Subject;
        span.DisplayName.Should().Be("fal.request");
        span.GetTagItem("fal.request_id").Should().Be(fal.Simulator.Requests.Single().RequestId);
        var requests = metrics.Should().ContainSingle(m => m.Name == "fal.client.requests").Subject;
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in requests.GetMetricPoints())
        {
            points.Add(point);
        }

        points.Where(p => HasTag(p, "fal.app_id", OwnApp)).Should().ContainSingle()
            .Which.GetSumLong().Should().Be(1);
    }

    // docs/telemetry.md, "When the span does not show up": ASP.NET Core without its instrumentation runs each HTTP
    // request in an Activity nobody records, and the default ParentBased sampler drops its children.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnderTheDefaultSampler_TheSpanFollowsItsParentsRecordedFlag(bool parentRecorded)
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(FalTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();
        using var fal = new SimulatedFal();
        var app = OwnApp + (parentRecorded ? "-recorded" : "-unrecorded");
        fal.Simulator.MapApp(app, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        using var parent = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        parent.SetIdFormat(ActivityIdFormat.W3C);
        parent.ActivityTraceFlags = parentRecorded ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        parent.Start();

        fal.Scheduler.Start(() => fal.Client.Submit(app, new { prompt = "otel" }), created: 50, subscribed: 200, disposed: Ticks(60));
        parent.Stop();
        tracing!.ForceFlush();

        var ours = spans.Where(a => Equals(a.GetTagItem("fal.app_id"), app)).ToList();
        if (parentRecorded)
        {
            ours.Should().ContainSingle().Which.ParentSpanId.Should().Be(parent.SpanId);
        }
        else
        {
            ours.Should().BeEmpty("ParentBased(AlwaysOn) drops the child of an unrecorded parent");
        }
    }

    private static bool HasTag(MetricPoint point, string key, string value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && Equals(tag.Value, value))
            {
                return true;
            }
        }

        return false;
    }
}
