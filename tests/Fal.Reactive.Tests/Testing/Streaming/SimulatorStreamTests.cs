using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Streaming;

public class SimulatorStreamTests
{
    private static async Task<EventStreamReader> OpenAsync(SimulatorHarness h, string url, HttpMethod? method = null, object? input = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (input is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(input);
        }

        var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        return new EventStreamReader(await response.Content.ReadAsStreamAsync());
    }

    [Fact]
    public async Task StatusStream_SendsEachChangeWithNewLogsOnly_AndEndsAfterCompleted()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1 });
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(2))
            .WithLogs((TimeSpan.FromSeconds(1), "half")));
        await h.SubmitAsync("fal-ai/fast-sdxl");
        var second = await h.SubmitAsync("fal-ai/fast-sdxl");
        var reader = await OpenAsync(h, second.GetProperty("status_url").GetString() + "/stream?logs=1");

        reader.DataLines().Should().ContainSingle().Which.Should().Contain("\"queue_position\":0");
        reader.HasPendingRead.Should().BeTrue("the reader waits for the scheduler");

        h.Advance(TimeSpan.FromSeconds(2));   // the first finishes, the second starts
        h.Advance(TimeSpan.FromSeconds(1));   // "half" is logged
        h.Advance(TimeSpan.FromSeconds(1));   // completed

        var events = reader.DataLines().Select(d => JsonDocument.Parse(d).RootElement).ToList();
        events.Select(e => e.GetProperty("status").GetString()).Should().Equal("IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED");
        events.Skip(1).Select(e => e.GetProperty("logs").GetArrayLength()).Should().Equal(0, 1, 0);
        events[^1].GetProperty("metrics").GetProperty("inference_time").GetDouble().Should().Be(2);
        reader.Ended.Should().BeTrue();
    }

    [Fact]
    public async Task StatusStream_SendsKeepAliveCommentsOnTheScheduler()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(40)));
        var submitted = await h.SubmitAsync("emulator/slow");
        var reader = await OpenAsync(h, submitted.GetProperty("status_url").GetString() + "/stream");

        h.Advance(TimeSpan.FromSeconds(31));

        reader.Drain().Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Count(e => e == ": keepalive").Should().Be(2);
        reader.Ended.Should().BeFalse();
    }

    [Fact]
    public async Task StatusStreamOfAFinishedRequest_SendsCompletedAndEnds()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }));
        var submitted = await h.SubmitAsync("emulator/echo");

        var reader = await OpenAsync(h, submitted.GetProperty("status_url").GetString() + "/stream");

        reader.DataLines().Should().ContainSingle().Which.Should().Contain("\"COMPLETED\"");
        reader.Ended.Should().BeTrue();
    }

    [Fact]
    public async Task DisposeStatusStream_StopsItsKeepAlives()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromHours(1)));
        var submitted = await h.SubmitAsync("emulator/slow");
        var response = await h.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, submitted.GetProperty("status_url").GetString() + "/stream"), HttpCompletionOption.ResponseHeadersRead);

        response.Dispose();
        h.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Running);
        h.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);

        // Nothing is left scheduled but the run itself.
        h.Scheduler.Start();
        h.Scheduler.Clock.Should().Be(TimeSpan.FromHours(1).Ticks);
    }

    [Fact]
    public async Task RunStream_SendsScriptedPartialsThenTheFinalOutputAndEnds()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("fal-ai/any-llm", FalAppScript.Succeed(new { output = "Hello world", partial = false }, TimeSpan.FromSeconds(3))
            .WithStreamEvents((TimeSpan.FromSeconds(1), new { output = "Hello", partial = true }), (TimeSpan.FromSeconds(2), new { output = "Hello world", partial = true })));

        var reader = await OpenAsync(h, "https://fal.run/fal-ai/any-llm/stream", HttpMethod.Post, new { prompt = "hi" });
        reader.DataLines().Should().BeEmpty();

        h.Advance(TimeSpan.FromSeconds(1));
        reader.DataLines().Should().Equal("{\"output\":\"Hello\",\"partial\":true}");
        h.Advance(TimeSpan.FromSeconds(2));

        reader.DataLines().Should().Equal(
            "{\"output\":\"Hello\",\"partial\":true}",
            "{\"output\":\"Hello world\",\"partial\":true}",
            "{\"output\":\"Hello world\",\"partial\":false}");
        reader.Ended.Should().BeTrue();
        h.Simulator.Requests.Single().Should().Match<FalSimulatedRequest>(r => r.Kind == FalSimulatedRequestKind.Stream && r.Path == "/stream" && r.State == FalSimulatedRequestState.Completed);
    }

    [Fact]
    public async Task DirectRun_IsAnsweredWhenItFinishes_OutsideTheWorkerPool()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1 });
        h.Simulator.MapApp("emulator/echo", call => FalAppScript.Succeed(call.Input, TimeSpan.FromSeconds(2)));
        await h.SubmitAsync("emulator/echo");   // occupies the only worker

        var answer = h.Http.PostAsync("https://fal.run/emulator/echo", System.Net.Http.Json.JsonContent.Create(new { x = 1 }));
        answer.IsCompleted.Should().BeFalse();
        h.Advance(TimeSpan.FromSeconds(2));

        answer.IsCompletedSuccessfully.Should().BeTrue();
        using var response = await answer;
        ((int)response.StatusCode).Should().Be(200);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"x\":1}");
        response.Headers.Contains("x-fal-request-id").Should().BeTrue();
        h.Simulator.Requests[1].Should().Match<FalSimulatedRequest>(r => r.Kind == FalSimulatedRequestKind.Run && r.StartedAt!.Value.Ticks == 0);
    }

    [Fact]
    public async Task CancelDirectRun_AbandonsIt()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(2)));
        using var cts = new CancellationTokenSource();

        var answer = h.Http.PostAsync("https://fal.run/emulator/echo", null, cts.Token);
        await cts.CancelAsync();

        await FluentActions.Awaiting(() => answer).Should().ThrowAsync<OperationCanceledException>();
        h.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task Latency_DelaysEachAnswerOnTheScheduler()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Latency = TimeSpan.FromMilliseconds(50) });
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)));

        var answer = h.Http.PostAsync("https://queue.fal.run/emulator/echo", null);
        answer.IsCompleted.Should().BeFalse();
        h.Simulator.Requests.Should().ContainSingle("the call is processed when it arrives");
        h.Advance(TimeSpan.FromMilliseconds(50));

        answer.IsCompletedSuccessfully.Should().BeTrue();
        using var response = await answer;
        ((int)response.StatusCode).Should().Be(200);
    }

    [Fact]
    public void SynchronousSend_IsAnsweredSynchronously()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)));

        using var response = h.Http.Send(new HttpRequestMessage(HttpMethod.Post, "https://queue.fal.run/emulator/echo") { Content = new StringContent("{\"a\":1}") });

        ((int)response.StatusCode).Should().Be(200);
        h.Simulator.Requests.Single().Input.GetProperty("a").GetInt32().Should().Be(1);
    }
}
