using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Routing;

public class SimulatorStatusTests
{
    private static SimulatorHarness LoggingHarness()
    {
        var h = new SimulatorHarness();
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { seed = 42 }, TimeSpan.FromSeconds(3))
            .WithLogs((TimeSpan.FromSeconds(1), "step 1"), (TimeSpan.FromSeconds(2), "step 2"))
            .WithLog(TimeSpan.FromSeconds(5), "late", "WARN"));
        return h;
    }

    [Fact]
    public async Task ScriptLogs_AppearAtTheirOffsetsAndStatusIsCumulative()
    {
        using var h = LoggingHarness();
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl");

        h.AdvanceTo(TimeSpan.FromSeconds(0.5));
        (await h.StatusAsync(submitted, logs: true)).Body.GetProperty("logs").GetArrayLength().Should().Be(0);

        h.AdvanceTo(TimeSpan.FromSeconds(1.5));
        var (code, status) = await h.StatusAsync(submitted, logs: true);
        code.Should().Be(202);
        status.GetProperty("status").GetString().Should().Be("IN_PROGRESS");
        var log = status.GetProperty("logs").EnumerateArray().Single();
        log.GetProperty("message").GetString().Should().Be("step 1");
        log.GetProperty("level").GetString().Should().Be("INFO");
        log.GetProperty("source").GetString().Should().Be("USER");
        log.GetProperty("timestamp").GetString().Should().Be("0001-01-01T00:00:01.000000Z");
        log.GetProperty("labels").GetProperty("level").GetString().Should().Be("INFO");

        h.AdvanceTo(TimeSpan.FromSeconds(2.5));
        (await h.StatusAsync(submitted, logs: true)).Body.GetProperty("logs").EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()).Should().Equal("step 1", "step 2");
    }

    [Fact]
    public async Task LogsNotRequested_AreNull_AndTheFlagAcceptsTrueAndFalse()
    {
        using var h = LoggingHarness();
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl");
        h.AdvanceTo(TimeSpan.FromSeconds(1.5));
        var statusUrl = submitted.GetProperty("status_url").GetString();

        (await h.GetAsync(statusUrl!)).Body.GetProperty("logs").ValueKind.Should().Be(JsonValueKind.Null);
        (await h.GetAsync(statusUrl + "?logs=false")).Body.GetProperty("logs").ValueKind.Should().Be(JsonValueKind.Null);
        (await h.GetAsync(statusUrl + "?logs=true")).Body.GetProperty("logs").GetArrayLength().Should().Be(1);
        (await h.GetAsync(statusUrl + "/?logs=1")).Body.GetProperty("logs").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task CompletedStatus_CarriesMetricsAllLogsAndTheUrls()
    {
        using var h = LoggingHarness();
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl");

        h.Advance(TimeSpan.FromSeconds(3));

        var (code, status) = await h.StatusAsync(submitted, logs: true);
        code.Should().Be(200);
        status.GetProperty("status").GetString().Should().Be("COMPLETED");
        status.GetProperty("metrics").GetProperty("inference_time").GetDouble().Should().Be(3);
        status.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("message").GetString()).Should().Equal("step 1", "step 2", "late");
        status.TryGetProperty("error", out _).Should().BeFalse();
        status.GetProperty("request_id").GetString().Should().Be(submitted.GetProperty("request_id").GetString());
        status.GetProperty("response_url").GetString().Should().Be(submitted.GetProperty("response_url").GetString());

        using var response = await h.Http.GetAsync(submitted.GetProperty("response_url").GetString());
        ((int)response.StatusCode).Should().Be(200);
        response.Headers.GetValues("x-fal-request-id").Should().Equal(submitted.GetProperty("request_id").GetString());
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("seed").GetInt32().Should().Be(42);
    }

    [Fact]
    public async Task ResultBeforeCompletion_Is400()
    {
        using var h = LoggingHarness();
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl");

        (await h.ResultAsync(submitted)).Status.Should().Be(400);
        h.Advance(TimeSpan.FromSeconds(1));
        (await h.ResultAsync(submitted)).Status.Should().Be(400);
    }

    [Fact]
    public async Task FailingScript_Replays422FieldErrorsAndReportsTheErrorInTheStatus()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Fail(422, new[] { new FalFieldError(["body", "prompt"], "field required", "value_error.missing") }));
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl");

        var (code, status) = await h.StatusAsync(submitted);
        code.Should().Be(200);
        status.GetProperty("error").GetString().Should().Be("Invalid status code: 422");

        var (resultCode, result) = await h.ResultAsync(submitted);
        resultCode.Should().Be(422);
        var error = result.GetProperty("detail").EnumerateArray().Single();
        error.GetProperty("loc").EnumerateArray().Select(e => e.GetString()).Should().Equal("body", "prompt");
        error.GetProperty("msg").GetString().Should().Be("field required");
        error.GetProperty("type").GetString().Should().Be("value_error.missing");
        h.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Failed);
    }

    [Fact]
    public async Task FailingScriptWithMessageAndErrorType_SendsBoth()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/fail", FalAppScript.Fail(503, "Runner disconnected", "runner_disconnected", afterRun: TimeSpan.FromSeconds(1)));
        var submitted = await h.SubmitAsync("emulator/fail");
        h.Advance(TimeSpan.FromSeconds(1));

        var (_, status) = await h.StatusAsync(submitted);
        status.GetProperty("error").GetString().Should().Be("Runner disconnected");
        status.GetProperty("error_type").GetString().Should().Be("runner_disconnected");
        using var response = await h.Http.GetAsync(submitted.GetProperty("response_url").GetString());
        ((int)response.StatusCode).Should().Be(503);
        response.Headers.GetValues("X-Fal-Error-Type").Should().Equal("runner_disconnected");
        response.Headers.Contains("x-fal-request-id").Should().BeTrue();
    }

    [Fact]
    public async Task UnknownRequestAppOrPath_Is404_AndStatusUnderASubPathIsNotRouted()
    {
        using var h = LoggingHarness();
        var submitted = await h.SubmitAsync("fal-ai/fast-sdxl/image-to-image");
        var id = submitted.GetProperty("request_id").GetString();

        (await h.GetAsync($"https://queue.fal.run/fal-ai/fast-sdxl/requests/{Guid.Empty}/status")).Status.Should().Be(404);
        (await h.GetAsync($"https://queue.fal.run/fal-ai/other/requests/{id}/status")).Status.Should().Be(404);
        (await h.GetAsync($"https://queue.fal.run/fal-ai/fast-sdxl/image-to-image/requests/{id}/status")).Status.Should().Be(404);
        var (status, body) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("fal-ai/unknown"), new { });
        status.Should().Be(404);
        body.GetProperty("detail").GetString().Should().Contain("fal-ai/unknown");
    }

    [Fact]
    public async Task MissingOrRejectedKey_Is401WithADetail()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { AcceptedKeys = ["good-key"] });
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }));

        var (wrong, wrongBody) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/echo"), new { });
        var (missing, missingBody) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/echo"), new { }, r => r.Headers.Authorization = null);
        var (good, _) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/echo"), new { }, r => r.Headers.Authorization = new("Key", "good-key"));

        wrong.Should().Be(401);
        wrongBody.GetProperty("detail").GetString().Should().NotContain(SimulatorHarness.Key);
        missing.Should().Be(401);
        missingBody.GetProperty("detail").GetString().Should().NotBeEmpty();
        good.Should().Be(200);
        h.Simulator.Requests.Should().ContainSingle();
    }
}
