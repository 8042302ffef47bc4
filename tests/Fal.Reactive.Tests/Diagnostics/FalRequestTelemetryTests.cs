using System.Diagnostics;
using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Diagnostics;

/// <summary>A Submit subscription's span and metrics, in virtual time (durations are exact).</summary>
public class FalRequestTelemetryTests : ReactiveTest
{
    private static readonly object s_output = new { images = new[] { new { url = "https://v3.fal.media/files/a.png" } } };

    private static (SimulatedFal Fal, TelemetryCapture Capture) Create(FalAppScript script)
    {
        var capture = new TelemetryCapture();
        var fal = new SimulatedFal(configure: capture.Configure);
        fal.Simulator.MapApp(App, script);
        return (fal, capture);
    }

    private static ITestableObserver<FalStatus> Run(SimulatedFal fal, long disposed = long.MaxValue) =>
        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "a" }), created: 50, subscribed: 200, disposed: disposed == long.MaxValue ? Ticks(60) : disposed);

    private static string[] EventNames(Activity span) => span.Events.Select(e => e.Name).ToArray();

    [Fact]
    public void CompletedRequest_IsOneClientSpanUnderTheCaller_WithPhaseEventsAndTags()
    {
        var (fal, capture) = Create(FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));
        using (fal)
        using (capture)
        {
            Run(fal);

            var id = fal.Simulator.Requests.Single().RequestId;
            var span = capture.Spans.Should().ContainSingle().Subject;
            span.OperationName.Should().Be("fal.request");
            span.Kind.Should().Be(ActivityKind.Client);
            span.TraceId.Should().Be(capture.TraceId, "the span is a child of the subscriber's activity");
            span.GetTagItem("fal.app_id").Should().Be(App);
            span.GetTagItem("fal.request_id").Should().Be(id);
            span.GetTagItem("fal.outcome").Should().Be("completed");
            span.Status.Should().Be(ActivityStatusCode.Unset);
            EventNames(span).Should().Equal("fal.submitted", "fal.queued", "fal.started", "fal.completed");
            span.Events.First().Tags.Should().Contain(new KeyValuePair<string, object?>("fal.queue_position", 0));
        }
    }

    [Fact]
    public async Task SubmitAsync_TheWebhookPathsCall_IsASpanAMeasurementAndALogEvent_WithOutcomeSubmitted()
    {
        var (fal, capture) = Create(FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));
        using (fal)
        using (capture)
        {
            using var requests = capture.Collect<long>("fal.client.requests");
            var submit = fal.Client.SubmitAsync(App, new { prompt = "a" }, new FalEnqueueOptions { WebhookUrl = new Uri("https://my.app/fal/webhook") });
            fal.Scheduler.AdvanceBy(Ticks(0.1));
            submit.IsCompleted.Should().BeTrue("the simulator answers the submit at once");
            var handle = await submit;

            var span = capture.Spans.Should().ContainSingle().Subject;
            span.OperationName.Should().Be("fal.request");
            span.GetTagItem("fal.request_id").Should().Be(handle.RequestId);
            span.GetTagItem("fal.outcome").Should().Be("submitted");
            EventNames(span).Should().Equal("fal.submitted");
            requests.GetMeasurementSnapshot().Should().ContainSingle()
                .Which.Tags.Should().Contain(new KeyValuePair<string, object?>("fal.outcome", "submitted"));
            capture.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains(handle.RequestId, StringComparison.Ordinal) && r.Message.Contains("submitted", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void CompletedRequest_RecordsOutcomeQueueWaitRunTimeAndHttpCalls()
    {
        // Queued 2 s before a runner takes it, then runs 1 s; polled every 100 ms.
        var (fal, capture) = Create(FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)).WithQueueTime(TimeSpan.FromSeconds(2)));
        using (fal)
        using (capture)
        {
            using var requests = capture.Collect<long>("fal.client.requests");
            using var duration = capture.Collect<double>("fal.client.request.duration");
            using var queue = capture.Collect<double>("fal.client.request.queue.duration");
            using var run = capture.Collect<double>("fal.client.request.run.duration");
            using var calls = capture.Collect<int>("fal.client.request.http_calls");

            Run(fal);

            requests.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().Be(1);
            requests.LastMeasurement!.Tags.Should().Contain(new KeyValuePair<string, object?>("fal.outcome", "completed"))
                .And.Contain(new KeyValuePair<string, object?>("fal.app_id", App))
                .And.NotContainKey("fal.request_id", "a request id per series would explode the metric's cardinality");
            queue.LastMeasurement!.Value.Should().BeApproximately(2.0, 1e-9);
            run.LastMeasurement!.Value.Should().BeApproximately(1.0, 1e-9);
            duration.LastMeasurement!.Value.Should().BeApproximately(3.0, 1e-9);
            // Submit, the polls (one every 100 ms for 3 s) and the result: every call the simulator saw.
            calls.LastMeasurement!.Value.Should().Be(fal.Simulator.Calls.Count).And.Be(1 + 30 + 1);
        }
    }

    [Fact]
    public void DisposedWhileQueued_IsCancelled_WithTheCancelOnTheSpanAndCounted()
    {
        var (fal, capture) = Create(FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)).WithQueueTime(TimeSpan.FromSeconds(5)));
        using (fal)
        using (capture)
        {
            using var requests = capture.Collect<long>("fal.client.requests");
            using var calls = capture.Collect<int>("fal.client.request.http_calls");

            Run(fal, disposed: 200 + Ticks(0.55));

            var span = capture.Spans.Should().ContainSingle().Subject;
            span.GetTagItem("fal.outcome").Should().Be("cancelled");
            EventNames(span).Should().Equal("fal.submitted", "fal.queued", "fal.cancel_sent");
            requests.LastMeasurement!.Tags.Should().Contain(new KeyValuePair<string, object?>("fal.outcome", "cancelled"));
            fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle();
            calls.LastMeasurement!.Value.Should().Be(fal.Simulator.Calls.Count, "the cancel is one of the request's calls");
        }
    }

    [Fact]
    public void FailedRequest_HasErrorStatusAndErrorType()
    {
        var (fal, capture) = Create(FalAppScript.Fail(422, "bad prompt"));
        using (fal)
        using (capture)
        {
            using var requests = capture.Collect<long>("fal.client.requests");

            var observer = Run(fal);

            observer.Messages.Last().Value.Exception.Should().BeOfType<FalHttpException>();
            var span = capture.Spans.Should().ContainSingle().Subject;
            span.Status.Should().Be(ActivityStatusCode.Error);
            span.GetTagItem("fal.outcome").Should().Be("failed");
            span.GetTagItem("error.type").Should().Be("422");
            requests.LastMeasurement!.Tags.Should().Contain(new KeyValuePair<string, object?>("fal.outcome", "failed"))
                .And.Contain(new KeyValuePair<string, object?>("error.type", "422"));
        }
    }

    [Fact]
    public void TransientFailures_AreCountedAsRetries_AndAppearOnTheSpan()
    {
        var (fal, capture) = Create(FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Status, 2));
        using (fal)
        using (capture)
        {
            using var retries = capture.Collect<long>("fal.client.retries");

            Run(fal);

            retries.GetMeasurementSnapshot().Should().HaveCount(2)
                .And.OnlyContain(m => m.Value == 1 && Equals(m.Tags["fal.operation"], "status"));
            var span = capture.Spans.Should().ContainSingle().Subject;
            span.Events.Where(e => e.Name == "fal.retry").Select(e => e.Tags.Single(t => t.Key == "fal.attempt").Value).Should().Equal(1, 2);
            span.GetTagItem("fal.outcome").Should().Be("completed");
        }
    }

    [Fact]
    public void WithoutAMeterFactory_TheSharedMeterIsNamedFalReactive()
    {
        var published = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == FalTelemetry.MeterName && instrument.Meter.Scope is null)
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                    }
                }
            },
        };
        using var fal = new SimulatedFal();

        listener.Start();

        published.Should().Contain(["fal.client.requests", "fal.client.request.duration", "fal.client.request.queue.duration",
            "fal.client.request.run.duration", "fal.client.request.http_calls", "fal.client.retries"]);
    }
}
