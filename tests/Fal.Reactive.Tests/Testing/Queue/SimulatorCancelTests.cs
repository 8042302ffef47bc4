using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Queue;

public class SimulatorCancelTests
{
    private static readonly TimeSpan s_runTime = TimeSpan.FromSeconds(10);

    private static SimulatorHarness Harness(FalAppScript? script = null)
    {
        var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1 });
        h.Simulator.MapApp("fal-ai/fast-sdxl", script ?? FalAppScript.Succeed(new { done = true }, s_runTime));
        return h;
    }

    [Fact]
    public async Task CancelQueued_RemovesItFromTheQueue()
    {
        using var h = Harness();
        await h.SubmitAsync("fal-ai/fast-sdxl");
        var queued = await h.SubmitAsync("fal-ai/fast-sdxl");
        var behind = await h.SubmitAsync("fal-ai/fast-sdxl");

        var (code, body) = await h.CancelAsync(queued);

        code.Should().Be(200);
        body.GetProperty("status").GetString().Should().Be("OK");
        (await h.StatusAsync(behind)).Body.GetProperty("queue_position").GetInt32().Should().Be(0);
        var (statusCode, status) = await h.StatusAsync(queued);
        statusCode.Should().Be(200);
        status.GetProperty("status").GetString().Should().Be("COMPLETED");
        status.GetProperty("error").GetString().Should().Be("Request cancelled by the client.");
        var (resultCode, result) = await h.ResultAsync(queued);
        resultCode.Should().Be(499);
        result.GetProperty("detail").GetString().Should().Be("Request cancelled by the client.");
        h.Simulator.Requests[1].Should().Match<FalSimulatedRequest>(r => r.State == FalSimulatedRequestState.Cancelled && r.CancelRequested && r.StartedAt == null);
    }

    [Fact]
    public async Task CancelRunning_StopsItAndFreesItsWorker()
    {
        using var h = Harness();
        var running = await h.SubmitAsync("fal-ai/fast-sdxl");
        var next = await h.SubmitAsync("fal-ai/fast-sdxl");
        h.Advance(TimeSpan.FromSeconds(4));

        var (code, body) = await h.CancelAsync(running);

        code.Should().Be(202);
        body.GetProperty("status").GetString().Should().Be("CANCELLATION_REQUESTED");
        (await h.ResultAsync(running)).Status.Should().Be(499);
        (await h.StatusAsync(next)).Body.GetProperty("status").GetString().Should().Be("IN_PROGRESS");
        h.Simulator.Requests[0].Should().Match<FalSimulatedRequest>(r => r.State == FalSimulatedRequestState.Cancelled && r.CompletedAt!.Value.Ticks == TimeSpan.FromSeconds(4).Ticks);
        h.Simulator.Requests[1].StartedAt!.Value.Ticks.Should().Be(TimeSpan.FromSeconds(4).Ticks);
    }

    [Fact]
    public async Task CancelRunningOfAnAppIgnoringCancellation_FinishesNormally()
    {
        using var h = Harness(FalAppScript.Succeed(new { done = true }, s_runTime).IgnoringCancellation());
        var running = await h.SubmitAsync("fal-ai/fast-sdxl");

        (await h.CancelAsync(running)).Status.Should().Be(202);
        h.Advance(s_runTime);

        (await h.ResultAsync(running)).Status.Should().Be(200);
        h.Simulator.Requests.Single().Should().Match<FalSimulatedRequest>(r => r.State == FalSimulatedRequestState.Completed && r.CancelRequested);
    }

    [Fact]
    public async Task CancelCompletedOrUnknown_Is400AlreadyCompletedOr404NotFound()
    {
        using var h = Harness();
        var done = await h.SubmitAsync("fal-ai/fast-sdxl");
        h.Advance(s_runTime);

        var (code, body) = await h.CancelAsync(done);
        var (unknownCode, unknownBody) = await h.SendAsync(HttpMethod.Put, SimulatorHarness.Queue($"fal-ai/fast-sdxl/requests/{Guid.Empty}/cancel"), null);

        code.Should().Be(400);
        body.GetProperty("status").GetString().Should().Be("ALREADY_COMPLETED");
        unknownCode.Should().Be(404);
        unknownBody.GetProperty("status").GetString().Should().Be("NOT_FOUND");
        (await h.ResultAsync(done)).Status.Should().Be(200);
    }
}
