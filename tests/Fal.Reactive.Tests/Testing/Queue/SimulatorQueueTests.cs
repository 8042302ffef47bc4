using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Queue;

public class SimulatorQueueTests
{
    private static readonly TimeSpan s_runTime = TimeSpan.FromSeconds(10);

    private static SimulatorHarness Harness(int workers)
    {
        var harness = new SimulatorHarness(new FalSimulatorOptions { Workers = workers });
        harness.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { images = Array.Empty<object>() }, s_runTime));
        return harness;
    }

    [Fact]
    public async Task Submit_AnswersInQueueWithUrlsOfOwnerAndAliasOnly()
    {
        using var h = Harness(workers: 1);
        h.Simulator.MapApp("fal-ai/flux/dev", FalAppScript.Succeed(new { ok = true }, s_runTime));

        var submitted = await h.SubmitAsync("fal-ai/flux/dev");

        var id = submitted.GetProperty("request_id").GetString();
        submitted.GetProperty("status").GetString().Should().Be("IN_QUEUE");
        submitted.GetProperty("queue_position").GetInt32().Should().Be(0);
        submitted.GetProperty("response_url").GetString().Should().Be($"https://queue.fal.run/fal-ai/flux/requests/{id}");
        submitted.GetProperty("status_url").GetString().Should().Be($"https://queue.fal.run/fal-ai/flux/requests/{id}/status");
        submitted.GetProperty("cancel_url").GetString().Should().Be($"https://queue.fal.run/fal-ai/flux/requests/{id}/cancel");
        h.Simulator.Requests.Should().ContainSingle().Which.Should().Match<FalSimulatedRequest>(r => r.AppId == "fal-ai/flux/dev" && r.Path == "");
    }

    [Fact]
    public async Task SubPathOfAMappedApp_IsServedByIt()
    {
        using var h = Harness(workers: 1);

        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl/image-to-image");

        submitted.GetProperty("status_url").GetString().Should().StartWith("https://queue.fal.run/fal-ai/fast-sdxl/requests/");
        var request = h.Simulator.Requests.Single();
        request.AppId.Should().Be("fal-ai/fast-sdxl");
        request.Path.Should().Be("/image-to-image");
    }

    [Fact]
    public async Task BoundedWorkerPool_PositionsCountTheRequestsAhead()
    {
        using var h = Harness(workers: 2);
        var submitted = new List<JsonElement>();
        for (var i = 0; i < 5; i++)
        {
            submitted.Add(await h.SubmitAsync("fal-ai/fast-sdxl", new { prompt = $"p{i}" }));
        }

        async Task<string> Describe(JsonElement s)
        {
            var (code, body) = await h.StatusAsync(s);
            var status = body.GetProperty("status").GetString();
            return status == "IN_QUEUE" ? $"{code} {status} {body.GetProperty("queue_position").GetInt32()}" : $"{code} {status}";
        }

        (await Task.WhenAll(submitted.Select(Describe))).Should().Equal(
            "202 IN_PROGRESS", "202 IN_PROGRESS", "202 IN_QUEUE 0", "202 IN_QUEUE 1", "202 IN_QUEUE 2");

        h.Advance(s_runTime);
        (await Task.WhenAll(submitted.Select(Describe))).Should().Equal(
            "200 COMPLETED", "200 COMPLETED", "202 IN_PROGRESS", "202 IN_PROGRESS", "202 IN_QUEUE 0");

        h.Advance(s_runTime * 2);
        (await Task.WhenAll(submitted.Select(Describe))).Should().OnlyContain(s => s == "200 COMPLETED");
        h.Simulator.Requests.Select(r => r.StartedAt!.Value.Ticks).Should().Equal(0, 0, s_runTime.Ticks, s_runTime.Ticks, 2 * s_runTime.Ticks);
        h.Simulator.Requests.Should().OnlyContain(r => r.CompletedAt == r.StartedAt + s_runTime && r.State == FalSimulatedRequestState.Completed);
    }

    [Fact]
    public async Task LowPriority_WaitsBehindNormalPriority()
    {
        using var h = Harness(workers: 1);
        await h.SubmitAsync("fal-ai/fast-sdxl");
        var low = await h.SubmitAsync("fal-ai/fast-sdxl", configure: r => r.Headers.Add("X-Fal-Queue-Priority", "low"));
        var normal = await h.SubmitAsync("fal-ai/fast-sdxl", configure: r => r.Headers.Add("X-Fal-Queue-Priority", "normal"));

        (await h.StatusAsync(normal)).Body.GetProperty("queue_position").GetInt32().Should().Be(0);
        (await h.StatusAsync(low)).Body.GetProperty("queue_position").GetInt32().Should().Be(1);
        h.Simulator.Requests.Select(r => r.Priority).Should().Equal("normal", "low", "normal");

        h.Advance(s_runTime);
        (await h.StatusAsync(normal)).Body.GetProperty("status").GetString().Should().Be("IN_PROGRESS");
        (await h.StatusAsync(low)).Body.GetProperty("queue_position").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task InvalidPriority_IsRejectedWith400()
    {
        using var h = Harness(workers: 1);

        var (status, body) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("fal-ai/fast-sdxl"), new { }, r => r.Headers.Add("X-Fal-Queue-Priority", "urgent"));

        status.Should().Be(400);
        body.GetProperty("detail").GetString().Should().Contain("X-Fal-Queue-Priority");
        h.Simulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task StartTimeoutExpiringInTheQueue_CompletesWithAUserTimeout()
    {
        using var h = Harness(workers: 1);
        await h.SubmitAsync("fal-ai/fast-sdxl");
        var late = await h.SubmitAsync("fal-ai/fast-sdxl", configure: r => r.Headers.Add("X-Fal-Request-Timeout", "2.5"));

        h.Advance(TimeSpan.FromSeconds(2.5));

        var (statusCode, status) = await h.StatusAsync(late);
        statusCode.Should().Be(200);
        status.GetProperty("status").GetString().Should().Be("COMPLETED");
        status.GetProperty("error").GetString().Should().Be("Request timed out");
        status.GetProperty("error_type").GetString().Should().Be("request_timeout");
        status.GetProperty("metrics").GetProperty("inference_time").ValueKind.Should().Be(JsonValueKind.Null);

        using var response = await h.Http.GetAsync(late.GetProperty("response_url").GetString());
        ((int)response.StatusCode).Should().Be(504);
        response.Headers.GetValues("X-Fal-Request-Timeout-Type").Should().Equal("user");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("detail").GetString().Should().Be("Request timed out");
        body.GetProperty("error_type").GetString().Should().Be("request_timeout");

        var request = h.Simulator.Requests[1];
        request.State.Should().Be(FalSimulatedRequestState.Failed);
        request.StartTimeout.Should().Be(TimeSpan.FromSeconds(2.5));
        request.StartedAt.Should().BeNull();
    }

    [Fact]
    public async Task StartTimeout_StopsCountingOnceAWorkerStartsTheRequest()
    {
        using var h = Harness(workers: 1);
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl", configure: r => r.Headers.Add("X-Fal-Request-Timeout", "2"));

        h.Advance(s_runTime);

        (await h.ResultAsync(submitted)).Status.Should().Be(200);
        h.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Completed);
    }

    [Fact]
    public async Task QueueTime_KeepsTheRequestQueuedThoughAWorkerIsFree()
    {
        using var h = Harness(workers: 1);
        h.Simulator.MapApp("emulator/cold", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)).WithQueueTime(TimeSpan.FromSeconds(3)));
        var submitted = await h.SubmitAsync("emulator/cold");

        h.Advance(TimeSpan.FromSeconds(2));
        (await h.StatusAsync(submitted)).Body.GetProperty("status").GetString().Should().Be("IN_QUEUE");

        h.Advance(TimeSpan.FromSeconds(1));
        (await h.StatusAsync(submitted)).Body.GetProperty("status").GetString().Should().Be("IN_PROGRESS");
        h.Simulator.Requests.Single().StartedAt!.Value.Ticks.Should().Be(TimeSpan.FromSeconds(3).Ticks);
    }

    [Fact]
    public async Task ScriptFactory_SeesTheCallAndShapesTheResult()
    {
        using var h = Harness(workers: 1);
        FalAppCall? seen = null;
        h.Simulator.MapApp("emulator/echo", call =>
        {
            seen = call;
            return FalAppScript.Succeed(call.Input, TimeSpan.FromMilliseconds(10));
        });

        var submitted = await h.SubmitAsync("emulator/echo/sub", new { text = "hi", n = 3 }, r => r.Headers.Add("X-Fal-Runner-Hint", "lora:a"));
        h.Advance(TimeSpan.FromMilliseconds(10));

        seen!.AppId.Should().Be("emulator/echo");
        seen.Path.Should().Be("/sub");
        seen.Kind.Should().Be(FalSimulatedRequestKind.Queue);
        seen.Headers.Should().ContainKey("x-fal-runner-hint").And.NotContainKey("Authorization");
        var (status, body) = await h.ResultAsync(submitted);
        status.Should().Be(200);
        body.GetProperty("text").GetString().Should().Be("hi");
        h.Simulator.Requests.Single().Hint.Should().Be("lora:a");
    }
}
