namespace Fal.Reactive.Tests.Webhooks;

/// <summary>The hub: every webhook to its observers, one request's webhook to whoever awaits it, before or after it arrives.</summary>
public sealed class FalWebhookHubTests
{
    [Fact]
    public void Publish_ReachesEveryObserver()
    {
        using var hub = new FalWebhookHub();
        var seen = new List<string>();
        using var subscription = hub.Subscribe(w => seen.Add(w.RequestId));

        hub.Publish(Webhook("a"));
        hub.Publish(Webhook("b"));

        seen.Should().Equal("a", "b");
    }

    [Fact]
    public async Task WhenCompleted_BeforeTheWebhook_CompletesWhenItArrives()
    {
        using var hub = new FalWebhookHub();
        var waiting = hub.WhenCompleted("r-1");

        hub.Publish(Webhook("r-0"));
        waiting.IsCompleted.Should().BeFalse();
        hub.Publish(Webhook("r-1"));

        (await waiting).RequestId.Should().Be("r-1");
    }

    [Fact]
    public async Task WhenCompleted_AfterTheWebhook_CompletesAtOnce()
    {
        using var hub = new FalWebhookHub();
        hub.Publish(Webhook("fast"));

        var done = hub.WhenCompleted("fast");

        done.IsCompleted.Should().BeTrue("a webhook that arrived before the submit returned is remembered");
        (await done).RequestId.Should().Be("fast");
    }

    [Fact]
    public void RetriedDelivery_IsPublishedOnce()
    {
        using var hub = new FalWebhookHub();
        var count = 0;
        using var subscription = hub.Subscribe(_ => count++);

        hub.Publish(Webhook("r")).Should().Be(FalWebhookPublishOutcome.Published);
        hub.Publish(Webhook("r")).Should().Be(FalWebhookPublishOutcome.Duplicate);

        count.Should().Be(1);
    }

    [Fact]
    public async Task ASubscriberThatThrows_DoesNotStrandWaiters_AndFalsRetryIsPublishedAgain()
    {
        using var hub = new FalWebhookHub();
        var waiting = hub.WhenCompleted("r");
        var calls = 0;
        using var subscription = hub.Subscribe(_ =>
        {
            if (++calls == 1)
            {
                throw new InvalidOperationException("subscriber bug");
            }
        });

        var first = () => hub.Publish(Webhook("r"));

        first.Should().Throw<InvalidOperationException>("the endpoint answers 500, so fal retries");
        waiting.IsCompleted.Should().BeTrue("waiters are served before the subscribers");
        (await waiting).RequestId.Should().Be("r");
        hub.Publish(Webhook("r")).Should().Be(FalWebhookPublishOutcome.Published, "the failed delivery was forgotten: its retry is not a duplicate");
        calls.Should().Be(2);
    }

    [Fact]
    public async Task Dispose_FailsWaitersWithTheirRequestId()
    {
        var hub = new FalWebhookHub();
        var waiting = hub.WhenCompleted("never");

        hub.Dispose();

        var thrown = await waiting.Invoking(t => t).Should().ThrowAsync<FalException>();
        thrown.Which.RequestId.Should().Be("never");
        await hub.WhenCompleted("later").Invoking(t => t).Should().ThrowAsync<FalException>();
    }

    [Fact]
    public void Completed_DisposedBeforeTheWebhook_StopsListening()
    {
        using var hub = new FalWebhookHub();
        var got = false;
        var subscription = hub.Completed("r").Subscribe(_ => got = true);

        subscription.Dispose();
        hub.Publish(Webhook("r"));

        got.Should().BeFalse();
    }

    [Fact]
    public async Task ManyWaiters_AWebhookCompletesItsRequestsWaitersOnly_TheOthersStillWait()
    {
        var hub = new FalWebhookHub();
        var first = new[] { hub.WhenCompleted("r-1"), hub.WhenCompleted("r-1") };
        var others = Enumerable.Range(2, 50).Select(i => hub.WhenCompleted("r-" + i)).ToList();
        var unsubscribed = false;
        hub.Completed("r-1").Subscribe(_ => unsubscribed = true).Dispose();

        hub.Publish(Webhook("r-1"));

        (await Task.WhenAll(first)).Should().AllSatisfy(w => w.RequestId.Should().Be("r-1"));
        unsubscribed.Should().BeFalse();
        others.Should().AllSatisfy(t => t.IsCompleted.Should().BeFalse());
        hub.Dispose();
        (await others[0].Invoking(t => t).Should().ThrowAsync<FalException>()).Which.RequestId.Should().Be("r-2");
        others.Should().AllSatisfy(t => t.IsFaulted.Should().BeTrue());
    }

    internal static FalWebhook Webhook(string requestId) => new() { RequestId = requestId, GatewayRequestId = requestId, Status = FalWebhookStatus.Ok };
}
