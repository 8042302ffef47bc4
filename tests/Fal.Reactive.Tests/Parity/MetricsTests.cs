using System.Text;

namespace Fal.Reactive.Tests.Parity;

/// <summary>fal_client's <c>Completed.metrics</c> is the whole dict fal sent (<c>data.get("metrics", {})</c>); ours keeps it too.</summary>
public class MetricsTests
{
    [Fact]
    public void CompletedMetrics_KeepTheWholeMetricsObject_BesideInferenceTime()
    {
        var status = FalWire.ParseStatus(
            Encoding.UTF8.GetBytes("""{"status":"COMPLETED","metrics":{"inference_time":1.5,"queue_time":0.25,"gpu":"H100"}}"""), "r1", withLogs: false);

        var metrics = status.Should().BeOfType<Completed>().Which.Metrics;
        metrics.InferenceTime.Should().Be(1.5);
        metrics.Values!.Value.GetProperty("queue_time").GetDouble().Should().Be(0.25);
        metrics.Values!.Value.GetProperty("gpu").GetString().Should().Be("H100");
    }

    [Fact]
    public void CompletedWithoutMetrics_HasNoValues_AsALegacyApp()
    {
        var status = FalWire.ParseStatus(Encoding.UTF8.GetBytes("""{"status":"COMPLETED"}"""), "r1", withLogs: false);

        status.Should().BeOfType<Completed>().Which.Metrics.Should().Be(FalMetrics.Empty);
    }
}
