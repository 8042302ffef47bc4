using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>The simulator signs its webhooks and serves its key set, so the client's verifier accepts them, in virtual time.</summary>
public sealed class SimulatedWebhookTests
{
    [Fact]
    public async Task SimulatorWebhook_IsVerifiedByTheClientsVerifier()
    {
        using var fal = new SimulatedFal();
        fal.Scheduler.AdvanceTo(WebhookVectors.Now.UtcTicks);
        fal.Simulator.MapApp(SimulatedFal.App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(2)));
        var handle = await fal.Client.SubmitAsync(SimulatedFal.App, new { prompt = "x" }, new FalEnqueueOptions { WebhookUrl = new Uri("https://my.app/fal/webhook") });
        fal.Scheduler.AdvanceBy(SimulatedFal.Ticks(2));

        var delivery = fal.Simulator.Webhooks.Should().ContainSingle().Subject;
        var headers = FalWebhookHeaders.From(name => delivery.Headers.TryGetValue(name, out var value) ? value : null);
        var outcome = await fal.Client.CreateWebhookVerifier().VerifyAsync(headers, delivery.RawBody);

        outcome.Reason.Should().Be(FalWebhookVerificationReason.Verified, outcome.Message);
        outcome.Webhook!.RequestId.Should().Be(handle.RequestId);
        outcome.Webhook.Payload!.Value.GetProperty("seed").GetInt32().Should().Be(7);
        delivery.Headers[FalWebhookHeaders.UserIdHeader].Should().Be("simulated-user");
        fal.CallsOf(FalCallKind.Jwks).Should().ContainSingle().Which.HasAuthorization.Should().BeFalse();
    }

    [Fact]
    public async Task SimulatorWebhook_CheckedAgainstAnotherSimulatorsKeys_IsBadSignature()
    {
        using var fal = new SimulatedFal();
        using var other = new SimulatedFal();
        fal.Scheduler.AdvanceTo(WebhookVectors.Now.UtcTicks);
        other.Scheduler.AdvanceTo(WebhookVectors.Now.UtcTicks);
        fal.Simulator.MapApp(SimulatedFal.App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(1)));
        await fal.Client.SubmitAsync(SimulatedFal.App, new { }, new FalEnqueueOptions { WebhookUrl = new Uri("https://my.app/hook") });
        fal.Scheduler.AdvanceBy(SimulatedFal.Ticks(1));

        var delivery = fal.Simulator.Webhooks.Single();
        var headers = FalWebhookHeaders.From(name => delivery.Headers.TryGetValue(name, out var value) ? value : null);
        var outcome = await other.Client.CreateWebhookVerifier().VerifyAsync(headers, delivery.RawBody);

        outcome.Reason.Should().Be(FalWebhookVerificationReason.BadSignature);
    }
}
