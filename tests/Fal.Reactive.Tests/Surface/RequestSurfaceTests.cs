using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Surface;

/// <summary>
/// The 1.0 request surface: which overload a call binds to, mocking by subclass, options copied at the call, and each
/// option property reaching the wire (headers and query seen by the simulator's handler).
/// </summary>
public class RequestSurfaceTests
{
    private const string App = "fal-ai/fast-sdxl";

    [Fact]
    public void JsonInputs_BindToTheFalInputMember_AndOtherObjects_ToTheReflectionExtension()
    {
        var fal = new RecordingClient();

        fal.Submit(App, JsonDocument.Parse("""{"a":1}""").RootElement);
        fal.Submit(App, new JsonObject { ["a"] = 1 });
        fal.Submit(App, (JsonNode?)null);
        fal.Submit(App, FalInput.FromUtf8Json("""{"a":1}"""u8));
        fal.Submit(App, new { a = 1 });

        // The extension wraps its object in a FalInput built by reflection and calls the same virtual member.
        fal.Inputs.Should().HaveCount(5);
        fal.Inputs.Take(4).Should().OnlyContain(i => i.ViaReflection == false);
        fal.Inputs[^1].ViaReflection.Should().BeTrue();
        fal.Inputs.Select(i => i.Json).Should().Equal("""{"a":1}""", """{"a":1}""", "{}", """{"a":1}""", """{"a":1}""");
    }

    [Fact]
    public void MockingConstructor_ReadsNoEnvironment_AndAnOverriddenSubmitAnswersBothOverloads()
    {
        using var noKey = EnvironmentScope.Without("FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET");
        var fal = new RecordingClient();

        var answered = fal.Submit(App, new { prompt = "x" }).ToEnumerable().Single();

        answered.Should().BeOfType<Completed>().Which.RequestId.Should().Be("mock-1");
        fal.Invoking(f => f.GetHandle(App, "r")).Should().Throw<InvalidOperationException>().WithMessage("*mocking*");
        FluentActions.Invoking(() => new RecordingClient(mocking: false)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task AMock_DisposesWithNothingToEndOrRelease()
    {
        var fal = new RecordingClient();

        fal.Invoking(f => f.Dispose()).Should().NotThrow();
        await fal.Awaiting(f => f.DisposeAsync().AsTask()).Should().NotThrowAsync();
        await fal.Awaiting(f => f.WhenCancellationsSentAsync()).Should().NotThrowAsync();
    }

    [Fact]
    public void FromUtf8Json_RefusesWhatIsNotOneJsonValue()
    {
        FalInput.FromUtf8Json("""{"a":1}"""u8).Prepared.Should().NotBeNull();
        FluentActions.Invoking(() => FalInput.FromUtf8Json("""{"a":"""u8)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => FalInput.FromUtf8Json("""{} {}"""u8)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void SubmitOptions_ChangedAfterTheCall_DoNotReachAColdObservable()
    {
        using var fal = new WireTap();
        var options = new FalSubmitOptions { Hint = "checked" };
        options.Headers["X-Trace"] = "checked";
        var statuses = fal.Client.Submit(App, (JsonNode?)null, options);

        options.Hint = "bad\r\nX-Evil: 1";
        options.Headers["X-Trace"] = "changed";
        options.WebhookUrl = new Uri("https://elsewhere.example/hook");
        fal.Scheduler.Start(() => statuses, disposed: Ticks(60));

        var submit = fal.Submitted();
        submit.Header("X-Fal-Runner-Hint").Should().Be("checked");
        submit.Header("X-Trace").Should().Be("checked");
        submit.Url.Query.Should().NotContain("fal_webhook");
    }

    [Fact]
    public void StreamOptions_ChangedAfterTheCall_DoNotReachAColdObservable()
    {
        using var fal = new WireTap();
        var options = new FalStreamOptions { Hint = "checked" };
        var events = fal.Client.Stream("fal-ai/any-llm", (JsonNode?)null, options);

        options.Hint = "changed";
        fal.Scheduler.Start(() => events, disposed: Ticks(60));

        fal.Calls.Should().Contain(c => c.Url.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal)).Which.Header("X-Fal-Runner-Hint").Should().Be("checked");
    }

    [Fact]
    public void Submit_SendsEveryCallOption_AndUsesEveryFollowOption()
    {
        using var fal = new WireTap();
        string? enqueued = null;
        var options = new FalSubmitOptions
        {
            WithLogs = true,
            PollInterval = TimeSpan.FromSeconds(2),
            Priority = FalQueuePriority.Low,
            Hint = "lora:a",
            StartTimeout = TimeSpan.FromSeconds(30),
            WebhookUrl = new Uri("https://example.com/hook"),
            StorageLifecycle = FalObjectLifecycle.OneDay,
            OnEnqueue = id => enqueued = id,
            Headers = { ["X-Trace"] = "t1" },
        };

        fal.Scheduler.Start(() => fal.Client.Submit(App, (JsonNode?)null, options), disposed: Ticks(60));

        var submit = fal.Submitted();
        submit.Header("X-Fal-Queue-Priority").Should().Be("low");
        submit.Header("X-Fal-Runner-Hint").Should().Be("lora:a");
        submit.Header("X-Fal-Request-Timeout").Should().Be("30");
        submit.Header("X-Fal-Object-Lifecycle-Preference").Should().NotBeNull();
        submit.Header("X-Trace").Should().Be("t1");
        Uri.UnescapeDataString(submit.Url.Query).Should().Contain("fal_webhook=https://example.com/hook");
        enqueued.Should().Be(fal.Simulator.Requests.Single().RequestId);
        var polls = fal.Polls();
        polls.Should().NotBeEmpty().And.OnlyContain(c => c.Url.Query.Contains("logs=1", StringComparison.Ordinal));
        // Two polls 2 s apart in virtual time: the interval is the request's, not the client's 100 ms.
        (polls[1].Time - polls[0].Time).Should().Be(TimeSpan.FromSeconds(2).Ticks);
    }

    [Fact]
    public void Submit_OnTheRequestsScheduler_PollsThere()
    {
        using var fal = new WireTap();
        var own = new TestScheduler();
        var observer = own.CreateObserver<FalStatus>();
        using var subscription = fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { Scheduler = own }).Subscribe(observer);

        fal.Scheduler.AdvanceBy(Ticks(1));
        var before = fal.Polls().Count;
        own.AdvanceBy(Ticks(1));

        fal.Polls().Count.Should().BeGreaterThan(before);
    }

    [Fact]
    public void Submit_StreamingStatusMode_OpensTheStatusStream_AndAdaptivePollingIsAccepted()
    {
        using var fal = new WireTap();

        fal.Scheduler.Start(() => fal.Client.Submit(App, (JsonNode?)null, new FalSubmitOptions { StatusMode = FalStatusMode.Streaming }), disposed: Ticks(60));

        fal.Calls.Should().Contain(c => c.Url.AbsolutePath.EndsWith("/status/stream", StringComparison.Ordinal));
        fal.Calls.Should().NotContain(c => c.Url.AbsolutePath.EndsWith("/status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitAsync_SendsEveryEnqueueOption()
    {
        using var fal = new WireTap();
        var options = new FalEnqueueOptions
        {
            Priority = FalQueuePriority.Low,
            Hint = "lora:b",
            StartTimeout = TimeSpan.FromSeconds(20),
            WebhookUrl = new Uri("https://example.com/h2"),
            StorageLifecycle = FalObjectLifecycle.OneDay,
            Headers = { ["X-Trace"] = "t2" },
        };

        var submit = fal.Client.SubmitAsync(App, (JsonNode?)null, options);
        fal.Scheduler.AdvanceBy(1);
        var handle = await submit;

        var call = fal.Submitted();
        handle.RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        call.Header("X-Fal-Queue-Priority").Should().Be("low");
        call.Header("X-Fal-Runner-Hint").Should().Be("lora:b");
        call.Header("X-Fal-Request-Timeout").Should().Be("20");
        call.Header("X-Fal-Object-Lifecycle-Preference").Should().NotBeNull();
        call.Header("X-Trace").Should().Be("t2");
        Uri.UnescapeDataString(call.Url.Query).Should().Contain("fal_webhook=https://example.com/h2");
    }

    [Fact]
    public async Task RunAndStream_SendEveryCallOption()
    {
        using var fal = new WireTap();
        fal.Simulator.MapApp("fal-ai/any-llm", FalAppScript.Succeed(new { output = "x" }, TimeSpan.FromSeconds(1)));
        var run = new FalRunOptions { Hint = "h-run", StartTimeout = TimeSpan.FromSeconds(10), StorageLifecycle = FalObjectLifecycle.OneDay, Timeout = TimeSpan.FromMinutes(1), Headers = { ["X-Trace"] = "run" } };
        var stream = new FalStreamOptions { Hint = "h-stream", StartTimeout = TimeSpan.FromSeconds(11), StorageLifecycle = FalObjectLifecycle.OneDay, IdleTimeout = TimeSpan.FromMinutes(1), Headers = { ["X-Trace"] = "stream" } };

        var running = fal.Client.RunAsync(App, (JsonNode?)null, run);
        fal.Scheduler.AdvanceBy(Ticks(10));
        (await running).Result.ValueKind.Should().Be(JsonValueKind.Object);
        fal.Scheduler.Start(() => fal.Client.Stream("fal-ai/any-llm", (JsonNode?)null, stream), disposed: fal.Scheduler.Clock + Ticks(60));

        var runCall = fal.Calls.First(c => c.Url.AbsolutePath.EndsWith("/fast-sdxl", StringComparison.Ordinal) && c.Method == "POST");
        runCall.Header("X-Fal-Runner-Hint").Should().Be("h-run");
        runCall.Header("X-Fal-Request-Timeout").Should().Be("10");
        runCall.Header("X-Fal-Object-Lifecycle-Preference").Should().NotBeNull();
        runCall.Header("X-Trace").Should().Be("run");
        var streamCall = fal.Calls.First(c => c.Url.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal));
        streamCall.Header("X-Fal-Runner-Hint").Should().Be("h-stream");
        streamCall.Header("X-Fal-Request-Timeout").Should().Be("11");
        streamCall.Header("X-Fal-Object-Lifecycle-Preference").Should().NotBeNull();
        streamCall.Header("X-Trace").Should().Be("stream");
    }

    [Fact]
    public async Task SubmitAsync_RetryBackOff_WaitsOnTheOptionsScheduler()
    {
        using var fal = new WireTap();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Submit, count: 1, 503));
        var own = new TestScheduler();

        var submit = fal.Client.SubmitAsync(App, (JsonNode?)null, new FalEnqueueOptions { Scheduler = own });
        fal.Scheduler.AdvanceBy(Ticks(60));
        var whileOwnStands = fal.Calls.Count(c => c.Method == "POST");
        own.AdvanceBy(Ticks(60));
        fal.Scheduler.AdvanceBy(Ticks(1));

        whileOwnStands.Should().Be(1);
        (await submit).RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        fal.Calls.Count(c => c.Method == "POST").Should().Be(2);
    }

    [Fact]
    public void Submit_AdaptivePolling_SpacesQueuedPollsOutUpToTheBound()
    {
        using var fal = new WireTap();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(1)).WithQueueTime(TimeSpan.FromSeconds(20)));
        var options = new FalSubmitOptions { AdaptivePolling = new FalAdaptivePolling(TimeSpan.FromSeconds(2)) };

        fal.Scheduler.Start(() => fal.Client.Submit(App, (JsonNode?)null, options), disposed: Ticks(10));

        var gaps = fal.Polls().Zip(fal.Polls().Skip(1), (a, b) => b.Time - a.Time).ToList();
        gaps.Should().HaveCountGreaterThan(3);
        gaps[1].Should().BeGreaterThan(gaps[0]);
        gaps.Should().OnlyContain(g => g <= TimeSpan.FromSeconds(2).Ticks);
        gaps[^1].Should().Be(TimeSpan.FromSeconds(2).Ticks);
    }

    [Fact]
    public async Task SubscribeAsync_SendsItsSubmitOptions()
    {
        using var fal = new WireTap();
        var options = new FalSubmitOptions { Hint = "sub", WithLogs = true, Headers = { ["X-Trace"] = "sub" } };

        var output = fal.Client.SubscribeAsync(App, (JsonNode?)null, options);
        fal.Scheduler.AdvanceBy(Ticks(30));

        (await output).GetProperty("seed").GetInt32().Should().Be(7);
        fal.Submitted().Header("X-Fal-Runner-Hint").Should().Be("sub");
        fal.Submitted().Header("X-Trace").Should().Be("sub");
        fal.Polls().Should().OnlyContain(c => c.Url.Query.Contains("logs=1", StringComparison.Ordinal));
    }

    private static long Ticks(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    /// <summary>A test double made with the mocking constructor: records each input, answers one Completed.</summary>
    private sealed class RecordingClient(bool mocking = true) : FalClient(mocking)
    {
        public List<(string Json, bool ViaReflection)> Inputs { get; } = [];

        public override IObservable<FalStatus> Submit(string appId, FalInput? input, FalSubmitOptions? options = null)
        {
            var body = FalInput.PreparedOrEmpty(input).BodyAsync(null!, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            Inputs.Add((System.Text.Encoding.UTF8.GetString(body), input?.ByReflection == true));
            return Observable.Return<FalStatus>(new Completed("mock-1", null, new FalMetrics(null), null, null, JsonDocument.Parse("{}").RootElement));
        }
    }
}
