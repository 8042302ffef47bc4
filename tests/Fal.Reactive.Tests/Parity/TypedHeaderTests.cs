using System.Text.Json.Nodes;
using Fal.Reactive.Tests.Surface;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Parity;

/// <summary>
/// fal_client's <c>submit(hint=…, priority=…, start_timeout=…, headers=…)</c> sets the typed headers over the
/// caller's dictionary, so the typed value wins and each header is sent once.
/// </summary>
public class TypedHeaderTests : ReactiveTest
{
    [Fact]
    public void TypedHintPriorityAndStartTimeout_WinOverTheSameHeadersInHeaders_SentOnce()
    {
        using var fal = new WireTap();
        var options = new FalSubmitOptions
        {
            Priority = FalQueuePriority.Low,
            Hint = "typed",
            StartTimeout = TimeSpan.FromSeconds(30),
            StorageLifecycle = FalObjectLifecycle.OneDay,
            Headers =
            {
                ["X-Fal-Runner-Hint"] = "raw",
                ["x-fal-queue-priority"] = "normal",
                ["X-Fal-Request-Timeout"] = "5",
                ["X-Fal-Object-Lifecycle-Preference"] = "{}",
                ["X-Trace"] = "t1",
            },
        };

        fal.Scheduler.Start(() => fal.Client.Submit(App, (JsonNode?)null, options), disposed: Ticks(60));

        var submit = fal.Submitted();
        submit.Header("X-Fal-Runner-Hint").Should().Be("typed");
        submit.Header("X-Fal-Queue-Priority").Should().Be("low");
        submit.Header("X-Fal-Request-Timeout").Should().Be("30");
        submit.Header("X-Fal-Object-Lifecycle-Preference").Should().Be(FalObjectLifecycle.OneDay.HeaderValue);
        submit.Header("X-Trace").Should().Be("t1");
    }

    [Fact]
    public void AHeaderGivenOnlyInHeaders_IsSentAsGiven()
    {
        using var fal = new WireTap();
        var options = new FalSubmitOptions { Headers = { ["X-Fal-Runner-Hint"] = "raw" } };

        fal.Scheduler.Start(() => fal.Client.Submit(App, (JsonNode?)null, options), disposed: Ticks(60));

        fal.Submitted().Header("X-Fal-Runner-Hint").Should().Be("raw");
    }
}
