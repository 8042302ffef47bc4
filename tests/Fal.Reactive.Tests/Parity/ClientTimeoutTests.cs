using System.Text.Json.Nodes;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Parity;

/// <summary>
/// fal_client's <c>subscribe(client_timeout=S)</c>: the start timeout defaults to S (so fal stops waiting for a runner
/// too), and on expiry the request is cancelled and <c>FalClientTimeoutError(timeout, request_id)</c> is raised.
/// </summary>
public class ClientTimeoutTests : ReactiveTest
{
    [Fact]
    public void ClientTimeout_Expiring_CancelsTheRequest_AndEndsWithFalTimeoutException_CarryingTheRequestId()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(60)));

        var observer = fal.Scheduler.Start(
            () => fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { ClientTimeout = TimeSpan.FromSeconds(5) }),
            created: 100, subscribed: 200, disposed: Ticks(120));

        var request = fal.Simulator.Requests.Single();
        var end = observer.Messages[^1];
        end.Time.Should().Be(200 + Ticks(5));
        var error = end.Value.Exception.Should().BeOfType<FalTimeoutException>().Which;
        error.RequestId.Should().Be(request.RequestId);
        error.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle();
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
        // No start timeout given: the client timeout is sent as fal's start deadline too.
        request.StartTimeout.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void AGivenStartTimeout_IsSentInstead_AndARequestThatCompletesInTime_IsUntouched()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));

        var observer = fal.Scheduler.Start(
            () => fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { ClientTimeout = TimeSpan.FromSeconds(5), StartTimeout = TimeSpan.FromSeconds(20) }),
            disposed: Ticks(120));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        fal.Simulator.Requests.Single().StartTimeout.Should().Be(TimeSpan.FromSeconds(20));
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void ABadClientTimeout_IsRefusedAtTheCall()
    {
        using var fal = new SimulatedFal();

        FluentActions.Invoking(() => fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { ClientTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ClientTimeout*");
        // Sent as the start timeout, it obeys fal's rule (fal_client's too): more than one second.
        FluentActions.Invoking(() => fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { ClientTimeout = TimeSpan.FromSeconds(1) }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*greater than 1 second*");
    }
}
