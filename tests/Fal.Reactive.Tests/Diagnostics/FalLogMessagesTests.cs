using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Diagnostics;

/// <summary>The client's log events: what a request's life writes, by request id, and never the key.</summary>
public class FalLogMessagesTests : ReactiveTest
{
    private static readonly object s_output = new { seed = 1 };

    private static IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord> Logs(TelemetryCapture capture) =>
        capture.Logs.GetSnapshot();

    [Fact]
    public void CompletedRequest_LogsSubmitStatusChangesAndCompletion_ByRequestId()
    {
        using var capture = new TelemetryCapture();
        using var fal = new SimulatedFal(configure: capture.Configure);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));

        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "a" }), created: 50, subscribed: 200, disposed: Ticks(60));

        var id = fal.Simulator.Requests.Single().RequestId;
        Logs(capture).Select(r => (r.Id.Name, r.Level)).Should().Equal(
            ("Submitted", LogLevel.Information),
            ("StatusChanged", LogLevel.Debug),
            ("StatusChanged", LogLevel.Debug),
            ("Completed", LogLevel.Information));
        Logs(capture).Should().OnlyContain(r => r.Category == "Fal.Reactive.FalClient" && r.Message.Contains(id));
        Logs(capture)[0].Message.Should().Be($"fal request {id} submitted to {App} (queue position 0)");
        Logs(capture)[^1].Message.Should().Be($"fal request {id} of {App} completed in 00:00:01");
    }

    [Fact]
    public void RetriesCancelsAndFailures_AreLogged_AndNoRecordHoldsTheKey()
    {
        using var capture = new TelemetryCapture();
        using var fal = new SimulatedFal(configure: capture.Configure);
        fal.Simulator.MapApp(App, FalAppScript.Fail(422, "bad prompt", afterRun: TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Status, 1));
        fal.Simulator.MapApp("fal-ai/slow", FalAppScript.Succeed(s_output).WithQueueTime(TimeSpan.FromSeconds(30)));

        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "a" }), created: 50, subscribed: 200, disposed: Ticks(60));
        fal.Scheduler.Start(() => fal.Client.Submit("fal-ai/slow", new { prompt = "b" }), created: Ticks(61), subscribed: Ticks(62), disposed: Ticks(63));

        var records = Logs(capture);
        records.Select(r => r.Id.Name).Should().Contain(["Retrying", "Failed", "CancelSent"]);
        records.Single(r => r.Id.Name == "Retrying").Level.Should().Be(LogLevel.Warning);
        var failed = records.Single(r => r.Id.Name == "Failed");
        failed.Exception.Should().BeOfType<FalHttpException>();
        failed.Message.Should().Contain("bad prompt");
        var slow = fal.Simulator.Requests.Single(r => r.AppId == "fal-ai/slow").RequestId;
        records.Single(r => r.Id.Name == "CancelSent").Message.Should().Be($"fal request {slow} cancelled on the server");
        records.Should().NotContain(r => r.Message.Contains(Key) || (r.Exception != null && r.Exception.ToString().Contains(Key)));
        records.SelectMany(r => r.StructuredState ?? []).Should().NotContain(kv => kv.Value != null && kv.Value.Contains(Key));
    }

    [Fact]
    public void WithoutALoggerFactory_TheClientIsSilent()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "a" }), created: 50, subscribed: 200, disposed: Ticks(60));

        observer.Messages.Last().Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        new FalDiagnostics(loggerFactory: null, meterFactory: null).Logger.IsEnabled(LogLevel.Critical).Should().BeFalse();
    }
}
