using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Webhooks.FalWebhookHubTests;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>
/// The hub's memory of published webhooks, in virtual time: every id kept for its retention whatever else arrives
/// (a replay the verifier still accepts is never published twice), never more than its capacity (a flood is
/// refused, not let in by forgetting early), and the retention tied to the verifier's tolerance.
/// </summary>
public sealed class FalWebhookHubRetentionTests : IDisposable
{
    private readonly WebhookVectors _v = new();

    [Fact]
    public void AReplayAfter1100OtherDeliveries_WithinTheTolerance_IsNotPublishedAgain()
    {
        using var hub = new FalWebhookHub(_v.Verifier());
        var published = new List<string>();
        using var subscription = hub.Subscribe(w => published.Add(w.RequestId));

        hub.Publish(Webhook("r")).Should().Be(FalWebhookPublishOutcome.Published);
        for (var i = 0; i < 1_100; i++)
        {
            hub.Publish(Webhook("other-" + i)).Should().Be(FalWebhookPublishOutcome.Published);
        }

        _v.Scheduler.AdvanceBy(TimeSpan.FromMinutes(4).Ticks);

        hub.Publish(Webhook("r")).Should().Be(FalWebhookPublishOutcome.Duplicate, "1,100 later deliveries do not push an id out inside the tolerance");
        published.Should().HaveCount(1_101).And.ContainSingle(id => id == "r");
    }

    [Fact]
    public void ABatchOfTensOfThousandsFinishingTogether_IsPublished_WithTheDefaultCapacity()
    {
        // A batch's webhooks arrive together: 50,000 in one burst (a warmed-up 10,000-request run already went past
        // the first default of 10,000 and had deliveries refused for the retention).
        using var hub = new FalWebhookHub(_v.Verifier());
        for (var i = 0; i < 50_000; i++)
        {
            hub.Publish(Webhook("batch-" + i)).Should().Be(FalWebhookPublishOutcome.Published);
        }

        hub.Capacity.Should().Be(FalWebhookHub.DefaultCapacity);
    }

    [Fact]
    public void EveryReplayTheVerifierAccepts_IsStillRemembered_AndOnceForgottenTheVerifierRefusesIt()
    {
        var verifier = _v.Verifier();
        using var hub = new FalWebhookHub(verifier);
        // The worst case: signed as far ahead of our clock as the tolerance allows, so the verifier accepts a replay
        // for twice the tolerance after the first arrival.
        var delivery = _v.Sign(time: _v.Scheduler.Now + verifier.Tolerance);
        verifier.CheckHeaders(delivery).Should().BeNull();
        hub.Publish(Webhook(WebhookVectors.RequestId)).Should().Be(FalWebhookPublishOutcome.Published);

        _v.Scheduler.AdvanceBy((2 * verifier.Tolerance).Ticks);

        verifier.CheckHeaders(delivery).Should().BeNull("the signed timestamp is exactly the tolerance behind now: still accepted");
        hub.Publish(Webhook(WebhookVectors.RequestId)).Should().Be(FalWebhookPublishOutcome.Duplicate, "so the hub still remembers it");

        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        verifier.CheckHeaders(delivery)!.Reason.Should().Be(FalWebhookVerificationReason.Stale, "past the retention the verifier refuses the replay itself");
        hub.Publish(Webhook(WebhookVectors.RequestId)).Should().Be(FalWebhookPublishOutcome.Published, "the hub forgot it, as it may: nothing that passes the verifier can repeat it now");
    }

    [Fact]
    public async Task AFullHub_RefusesNewDeliveries_WithoutForgettingOrServingAnything_UntilTheOldestAgeOut()
    {
        using var hub = new FalWebhookHub(new FalWebhookHubOptions { Capacity = 3, Scheduler = _v.Scheduler });
        var published = new List<string>();
        using var subscription = hub.Subscribe(w => published.Add(w.RequestId));
        hub.Publish(Webhook("1"));
        _v.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);
        hub.Publish(Webhook("2"));
        hub.Publish(Webhook("3"));
        var waiting = hub.WhenCompleted("4");

        hub.Publish(Webhook("4")).Should().Be(FalWebhookPublishOutcome.Full);

        waiting.IsCompleted.Should().BeFalse("a refused delivery is fal's to retry, not half-delivered");
        hub.Publish(Webhook("1")).Should().Be(FalWebhookPublishOutcome.Duplicate, "the oldest is not forgotten inside its retention");
        published.Should().Equal("1", "2", "3");

        _v.Scheduler.AdvanceBy((FalWebhookHub.DefaultRetention - TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)).Ticks);

        hub.Publish(Webhook("4")).Should().Be(FalWebhookPublishOutcome.Published, "fal's retry, once the first webhook aged out");
        hub.Publish(Webhook("5")).Should().Be(FalWebhookPublishOutcome.Full, "2, 3 and 4 are still young");
        (await waiting).RequestId.Should().Be("4");
        published.Should().Equal("1", "2", "3", "4");
    }

    [Fact]
    public void ARetention_ShorterThanTwiceTheVerifiersTolerance_IsRefused_AndTheDefaultFollowsTheTolerance()
    {
        var verifier = _v.Verifier(o => o.Tolerance = TimeSpan.FromMinutes(8));

        var tooShort = () => new FalWebhookHub(verifier, new FalWebhookHubOptions { Retention = TimeSpan.FromMinutes(15) });

        tooShort.Should().Throw<ArgumentException>().WithMessage("*twice the verifier's tolerance*");
        using var hub = new FalWebhookHub(verifier);
        hub.Retention.Should().Be(TimeSpan.FromMinutes(16));
        using var defaults = new FalWebhookHub(_v.Verifier());
        defaults.Retention.Should().Be(FalWebhookHub.DefaultRetention);
        var zero = () => new FalWebhookHub(new FalWebhookHubOptions { Retention = TimeSpan.Zero });
        zero.Should().Throw<ArgumentException>();
        var noCapacity = () => new FalWebhookHub(new FalWebhookHubOptions { Capacity = 0 });
        noCapacity.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void AHubMadeWithAVerifier_MeasuresOnItsScheduler()
    {
        using var hub = new FalWebhookHub(_v.Verifier());
        hub.Publish(Webhook("r"));

        _v.Scheduler.AdvanceBy((FalWebhookHub.DefaultRetention + TimeSpan.FromSeconds(1)).Ticks);

        hub.WhenCompleted("r").IsCompleted.Should().BeFalse("forgotten after the retention on the verifier's (virtual) clock");
    }

    public void Dispose() => _v.Dispose();
}
