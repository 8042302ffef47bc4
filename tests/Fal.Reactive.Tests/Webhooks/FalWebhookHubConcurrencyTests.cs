using static Fal.Reactive.Tests.Webhooks.FalWebhookHubTests;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>
/// The hub with real threads: an observer that blocks holds up only the observers' turn, never another request's
/// waiters nor the hub's other calls. Every wait is bounded, so a regression fails instead of hanging.
/// </summary>
public sealed class FalWebhookHubConcurrencyTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    // Longer than any wait of the test: a waiter served only once the observer gives up would fail the test.
    private static readonly TimeSpan s_observerBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnObserverBlockedOnOneDelivery_DoesNotHoldUpAnotherRequestsWaiter()
    {
        using var hub = new FalWebhookHub();
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var seen = new List<string>();
        using var subscription = hub.Subscribe(w =>
        {
            seen.Add(w.RequestId);
            if (w.RequestId == "slow")
            {
                entered.Set();
                gate.Wait(s_observerBound);
            }
        });
        var slow = Task.Run(() => hub.Publish(Webhook("slow")));
        Task<FalWebhookPublishOutcome> fast;
        try
        {
            entered.Wait(s_bound).Should().BeTrue("the observer got the first delivery");

            var waiting = hub.WhenCompleted("fast");
            fast = Task.Run(() => hub.PublishAsync(Webhook("fast")).AsTask());

            (await waiting.WaitAsync(s_bound)).RequestId.Should().Be("fast", "its waiter is served while the observer still blocks on the first");
            (await hub.WhenCompleted("slow").WaitAsync(s_bound)).RequestId.Should().Be("slow", "the hub answers while a delivery is with the observers");
            hub.Publish(Webhook("fast")).Should().Be(FalWebhookPublishOutcome.Duplicate);
            fast.IsCompleted.Should().BeFalse("the observers get the second delivery after the first, one at a time");
        }
        finally
        {
            gate.Set();
        }

        (await slow.WaitAsync(s_bound)).Should().Be(FalWebhookPublishOutcome.Published);
        (await fast.WaitAsync(s_bound)).Should().Be(FalWebhookPublishOutcome.Published);
        seen.Should().Equal("slow", "fast");
    }

    [Fact]
    public async Task Dispose_WhileAnObserverBlocks_FailsWaitersAtOnce_AndCompletesTheObserversAfterIt()
    {
        var hub = new FalWebhookHub();
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var completed = false;
        using var subscription = hub.Subscribe(_ => { entered.Set(); gate.Wait(s_observerBound); }, () => completed = true);
        var slow = Task.Run(() => hub.Publish(Webhook("slow")));
        entered.Wait(s_bound).Should().BeTrue();
        var waiting = hub.WhenCompleted("never");

        var disposing = Task.Run(hub.Dispose);

        (await waiting.Invoking(t => t.WaitAsync(s_bound)).Should().ThrowAsync<FalException>()).Which.RequestId.Should().Be("never");
        completed.Should().BeFalse("an observer is not completed while it handles a webhook");
        gate.Set();
        await disposing.WaitAsync(s_bound);
        await slow.WaitAsync(s_bound);
        completed.Should().BeTrue();
    }

    [Fact]
    public async Task AnObserverThatPublishesOrDisposesTheHub_FromItsOnNext_GoesOn_InsteadOfWaitingForItself()
    {
        var hub = new FalWebhookHub();
        var seen = new List<string>();
        using var subscription = hub.Subscribe(w =>
        {
            seen.Add(w.RequestId);
            if (w.RequestId == "first")
            {
                hub.Publish(Webhook("nested")).Should().Be(FalWebhookPublishOutcome.Published);
            }
            else
            {
                hub.Dispose();
            }
        });

        (await Task.Run(() => hub.Publish(Webhook("first"))).WaitAsync(s_bound)).Should().Be(FalWebhookPublishOutcome.Published);

        seen.Should().Equal("first", "nested");
        hub.Invoking(h => h.Publish(Webhook("later"))).Should().Throw<ObjectDisposedException>();
    }
}
