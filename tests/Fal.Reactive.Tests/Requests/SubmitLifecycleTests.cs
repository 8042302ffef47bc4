using System.Reactive.Linq;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>The Submit observable's whole life cycle, tick for tick, in virtual time.</summary>
public class SubmitLifecycleTests : ReactiveTest
{
    private static readonly object s_output = new { images = new[] { new { url = "https://v3.fal.media/files/a.png" } }, seed = 42 };

    private static SimulatedFal CreateBusyQueue()
    {
        // Sequential ids: runs are compared message by message, and the simulator's ids are random by default.
        var fal = new SimulatedFal(workers: 1, requestIds: SequentialRequestIds.Create());
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1))
            .WithLogs((TimeSpan.FromSeconds(0.25), "step 1"), (TimeSpan.FromSeconds(0.75), "step 2")));

        // Three requests ahead of ours: one running, two queued.
        fal.Scheduler.ScheduleAbsolute(100, () =>
        {
            for (var i = 0; i < 3; i++)
            {
                fal.Client.Submit(App, new { prompt = $"earlier {i}" }).Subscribe(_ => { }, _ => { });
            }
        });
        return fal;
    }

    private static ITestableObserver<FalStatus> Run(SimulatedFal fal) =>
        fal.Scheduler.Start(
            () => fal.Client.Submit(App, new { prompt = "ours" }, new FalSubmitOptions { WithLogs = true }),
            created: 50,
            subscribed: 200,
            disposed: Ticks(60));

    [Fact]
    public void Submit_WaitsAtPositions210_RunsWithLogs_Completes()
    {
        using var fal = CreateBusyQueue();

        var observer = Run(fal);

        var id = fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "ours").RequestId;
        var started = fal.Simulator.Requests.Single(r => r.RequestId == id).StartedAt!.Value;
        FalLog Log(string message, double offset) =>
            new(message, "INFO", "USER", started + TimeSpan.FromSeconds(offset));

        observer.Messages.Should().Equal(
            OnNext<FalStatus>(200, new Queued(id, 2)),
            OnNext<FalStatus>(Ticks(1) + 200, new Queued(id, 1)),
            OnNext<FalStatus>(Ticks(2) + 200, new Queued(id, 0)),
            OnNext<FalStatus>(Ticks(3) + 200, new InProgress(id, [])),
            OnNext<FalStatus>(Ticks(3.3) + 200, new InProgress(id, [Log("step 1", 0.25)])),
            OnNext<FalStatus>(Ticks(3.8) + 200, new InProgress(id, [Log("step 1", 0.25), Log("step 2", 0.75)])),
            // Ours started at 3 s + 100 (when the third earlier request ended) and runs 1 s: the poll at
            // 4 s + 200 sees it completed and fetches the result in the same tick.
            OnNext<FalStatus>(Ticks(4) + 200, new Completed(id, [Log("step 1", 0.25), Log("step 2", 0.75)], new FalMetrics(1.0) { Values = JsonDocument.Parse("""{"inference_time":1}""").RootElement }, null, null, JsonSerializer.SerializeToElement(s_output, FalJson.ReflectionOptions))),
            OnCompleted<FalStatus>(Ticks(4) + 200));
    }

    [Fact]
    public void Submit_PollsExactlyOneIntervalApart_AndNeverAfterCompletion()
    {
        using var fal = CreateBusyQueue();

        Run(fal);

        var id = fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "ours").RequestId;
        var polls = fal.Simulator.Calls.Where(c => c.RequestId == id && c.Kind == FalCallKind.Status).Select(c => c.Time.Ticks).ToList();
        polls.Should().HaveCount(40);
        polls.Zip(polls.Skip(1), (a, b) => b - a).Should().AllBeEquivalentTo(Interval.Ticks);
        polls[0].Should().Be(200 + Interval.Ticks);

        var result = fal.Simulator.Calls.Single(c => c.RequestId == id && c.Kind == FalCallKind.Result);
        result.Time.Ticks.Should().Be(polls[^1]);
        fal.Simulator.Calls.Where(c => c.RequestId == id).Should().NotContain(c => c.Time.Ticks > result.Time.Ticks);
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void Submit_SameScriptTwice_GivesTheSameMessages()
    {
        using var first = CreateBusyQueue();
        using var second = CreateBusyQueue();

        var a = Run(first).Messages;
        var b = Run(second).Messages;

        a.Should().HaveCount(8).And.Equal(b);
        first.Simulator.Calls.Select(c => (c.Time, c.Kind, c.Method)).Should().Equal(second.Simulator.Calls.Select(c => (c.Time, c.Kind, c.Method)));
    }

    [Fact]
    public void Submit_IsCold_EachSubscriptionIsItsOwnRequest()
    {
        using var fal = new SimulatedFal(workers: 2);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));
        var request = fal.Client.Submit(App, new { prompt = "x" });

        fal.Scheduler.Schedule(() =>
        {
            request.Subscribe();
            request.Subscribe();
        });
        fal.Scheduler.Start();

        fal.Simulator.Requests.Should().HaveCount(2).And.OnlyContain(r => r.State == FalSimulatedRequestState.Completed);
        fal.Simulator.Requests.Select(r => r.RequestId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Submit_SendsKeyPriorityHintTimeoutAndWebhook()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));
        var options = new FalSubmitOptions
        {
            Priority = FalQueuePriority.Low,
            Hint = "lora:a",
            StartTimeout = TimeSpan.FromSeconds(30),
            WebhookUrl = new Uri("https://example.com/hook?x=1"),
        };

        fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }, options), disposed: Ticks(10));

        var request = fal.Simulator.Requests.Single();
        request.Priority.Should().Be("low");
        request.Hint.Should().Be("lora:a");
        request.StartTimeout.Should().Be(TimeSpan.FromSeconds(30));
        request.WebhookUrl.Should().Be(new Uri("https://example.com/hook?x=1"));
        fal.Simulator.Calls.Should().OnlyContain(c => c.HasAuthorization);
    }

    [Fact]
    public void Results_MapsTheStreamToTheTypedOutput()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(s_output, TimeSpan.FromSeconds(1)));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }).Results<SdxlOutput>().Select(o => o.Seed), disposed: Ticks(10));

        observer.Messages.Should().Equal(OnNext(Ticks(1) + 200, 42), OnCompleted<int>(Ticks(1) + 200));
    }

    private sealed record SdxlOutput(IReadOnlyList<SdxlImage> Images, int Seed);

    private sealed record SdxlImage(string Url);
}
