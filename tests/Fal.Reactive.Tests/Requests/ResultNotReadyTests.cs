using System.Reactive;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>A result not stored yet right after COMPLETED (a 404) is asked once more: the request is finished and billed.</summary>
public class ResultNotReadyTests : ReactiveTest
{
    [Fact]
    public void AResult404RightAfterCompleted_IsAskedOnceMore_AndTheResultDelivered()
    {
        using var fal = Fal(failures: 1);

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(NotificationKind.OnCompleted);
        observer.Messages[^2].Value.Value.Should().BeOfType<Completed>().Which.Result.Should().NotBeNull();
        fal.CallsOf(FalCallKind.Result).Should().HaveCount(2);
    }

    [Fact]
    public void AResult404Twice_FailsWithTheRequestId_AfterOneRetryOnly()
    {
        using var fal = Fal(failures: 2);

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var error = observer.Messages[^1].Value.Exception.Should().BeOfType<FalHttpException>().Which;
        error.StatusCode.Should().Be(404);
        error.RequestId.Should().NotBeNull();
        fal.CallsOf(FalCallKind.Result).Should().HaveCount(2);
    }

    private static SimulatedFal Fal(int failures)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Result, failures, statusCode: 404));
        return fal;
    }
}
