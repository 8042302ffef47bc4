using System.Reactive.Concurrency;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Options;

public class FalClientOptionsTests
{
    [Fact]
    public void CopyConstructor_CopiesEveryOption_AndItsRetryIsItsOwn()
    {
        var scheduler = new TestScheduler();
        var original = new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key),
            QueueUrl = new Uri("http://127.0.0.1:1/"),
            RunUrl = new Uri("http://127.0.0.1:2/"),
            RestUrl = new Uri("http://127.0.0.1:3/"),
            PollInterval = TimeSpan.FromSeconds(2),
            Scheduler = scheduler,
            Retry = new FalRetryOptions { MaxRetries = 7, Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(9) },
        };

        var copy = new FalClientOptions(original);
        copy.Retry.MaxRetries = 1;

        copy.Should().BeEquivalentTo(original, o => o.Excluding(x => x.Retry).Excluding(x => x.Scheduler));
        copy.Scheduler.Should().BeSameAs(scheduler);
        copy.Retry.Should().NotBeSameAs(original.Retry);
        (copy.Retry.Delay, copy.Retry.MaxDelay).Should().Be((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9)));
        original.Retry.MaxRetries.Should().Be(7);
    }

    [Fact]
    public void CopyConstructor_OfDefaults_HasTheDefaults()
    {
        var copy = new FalClientOptions(new FalClientOptions());

        copy.Should().BeEquivalentTo(new FalClientOptions(), o => o.Excluding(x => x.Scheduler));
        copy.Scheduler.Should().BeSameAs(DefaultScheduler.Instance);
    }

    [Fact]
    public void NonPositivePollInterval_IsTheSameArgumentError_ForClientRequestAndHandle()
    {
        using var fal = new SimulatedFal();
        var handle = fal.Client.GetHandle(App, "r1");

        var errors = new Action[]
        {
            () => _ = new FalClient(fal.Http, new FalClientOptions { PollInterval = TimeSpan.Zero }),
            () => fal.Client.Submit(App, null, new FalSubmitOptions { PollInterval = TimeSpan.FromSeconds(-1) }),
            () => handle.Events(interval: TimeSpan.Zero),
            () => handle.IterEvents(interval: TimeSpan.Zero),
            () => handle.IterEventsAsync(interval: TimeSpan.Zero),
        }.Select(a => FluentActions.Invoking(a).Should().Throw<ArgumentOutOfRangeException>().Which.Message);

        errors.Should().OnlyContain(m => m.StartsWith("The poll interval (PollInterval) must be positive", StringComparison.Ordinal));
        fal.Simulator.Calls.Should().BeEmpty();
    }
}
