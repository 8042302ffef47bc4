using System.Reactive.Linq;
using BlazorRequests.Binding;
using Microsoft.Reactive.Testing;

namespace BlazorRequests.Tests;

/// <summary>The realtime mode's pacing, as @fal-ai/client's throttleInterval: the first at once, then the latest per interval.</summary>
public sealed class ThrottleLatestTests
{
    private static long Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds).Ticks;

    [Fact]
    public void The_first_value_goes_at_once_and_then_only_the_latest_per_interval()
    {
        var scheduler = new TestScheduler();
        var typing = scheduler.CreateHotObservable(
            ReactiveTest.OnNext(Ms(1000), "a"),
            ReactiveTest.OnNext(Ms(1010), "a "),
            ReactiveTest.OnNext(Ms(1050), "a r"),
            ReactiveTest.OnNext(Ms(1100), "a re"),     // the latest of the window: sent at 1128
            ReactiveTest.OnNext(Ms(1400), "a red"),    // after a pause: at once
            ReactiveTest.OnNext(Ms(1450), "a red k"),
            ReactiveTest.OnCompleted<string>(Ms(1460))); // a value still waiting is sent before completing

        var sent = scheduler.Start(() => typing.ThrottleLatest(TimeSpan.FromMilliseconds(128), scheduler), created: 0, subscribed: 0, disposed: Ms(5000));

        sent.Messages.Should().Equal(
            ReactiveTest.OnNext(Ms(1000), "a"),
            ReactiveTest.OnNext(Ms(1128), "a re"),
            ReactiveTest.OnNext(Ms(1400), "a red"),
            ReactiveTest.OnNext(Ms(1460), "a red k"),
            ReactiveTest.OnCompleted<string>(Ms(1460)));
    }
}
