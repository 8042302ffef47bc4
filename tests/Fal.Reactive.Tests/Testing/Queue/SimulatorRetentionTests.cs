using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Queue;

/// <summary>Retention: what the simulator keeps of finished requests, calls and webhooks, by count and by age (virtual time).</summary>
public class SimulatorRetentionTests
{
    private const string App = "emulator/echo";

    private static SimulatorHarness Create(FalSimulatorRetention retention, int workers = 4)
    {
        var h = new SimulatorHarness(new FalSimulatorOptions { Workers = workers, Retention = retention });
        h.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        return h;
    }

    [Fact]
    public async Task FinishedRequestsBeyondTheLimit_AreDroppedOldestFirstAndAnswer404()
    {
        using var h = Create(new FalSimulatorRetention { MaxFinishedRequests = 2 });
        var submitted = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            submitted.Add(await h.SubmitAsync(App, new { i }));
            h.Advance(TimeSpan.FromSeconds(2));
        }

        h.Simulator.Requests.Select(r => r.RequestId).Should().Equal(
            submitted[2].GetProperty("request_id").GetString(), submitted[3].GetProperty("request_id").GetString());
        (await h.StatusAsync(submitted[0])).Status.Should().Be(404);
        (await h.ResultAsync(submitted[1])).Status.Should().Be(404);
        (await h.ResultAsync(submitted[3])).Status.Should().Be(200);
    }

    [Fact]
    public async Task FinishedRequest_IsDroppedOnceOlderThanMaxAge_MeasuredOnTheScheduler()
    {
        using var h = Create(new FalSimulatorRetention { MaxAge = TimeSpan.FromMinutes(10) });
        var submitted = await h.SubmitAsync(App);
        h.Advance(TimeSpan.FromSeconds(1));

        h.Advance(TimeSpan.FromMinutes(10));
        (await h.ResultAsync(submitted)).Status.Should().Be(200, "it finished exactly MaxAge ago");

        h.Advance(TimeSpan.FromSeconds(1));
        h.Simulator.Requests.Should().BeEmpty();
        (await h.StatusAsync(submitted)).Status.Should().Be(404);
    }

    [Fact]
    public async Task UnfinishedRequests_AreNeverDropped()
    {
        using var h = Create(new FalSimulatorRetention { MaxFinishedRequests = 0, MaxAge = TimeSpan.Zero }, workers: 1);
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromHours(3)));
        var running = await h.SubmitAsync("emulator/slow");
        var queued = await h.SubmitAsync("emulator/slow");

        h.Advance(TimeSpan.FromHours(2));

        (await h.StatusAsync(running)).Status.Should().Be(202);
        (await h.StatusAsync(queued)).Body.GetProperty("status").GetString().Should().Be("IN_QUEUE");
        h.Simulator.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task RecordedCalls_AreCappedAtMaxCallsAndDroppedWhenOlderThanMaxAge()
    {
        using var h = Create(new FalSimulatorRetention { MaxCalls = 3, MaxAge = TimeSpan.FromMinutes(5) });
        var submitted = await h.SubmitAsync(App);
        for (var i = 0; i < 4; i++)
        {
            await h.StatusAsync(submitted);
        }

        h.Simulator.Calls.Should().HaveCount(3).And.OnlyContain(c => c.Kind == FalCallKind.Status);

        h.Advance(TimeSpan.FromMinutes(6));
        h.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Webhooks_AreCappedLikeCalls()
    {
        using var h = Create(new FalSimulatorRetention { MaxCalls = 2 });
        for (var i = 0; i < 3; i++)
        {
            await h.SubmitAsync(App + "?fal_webhook=" + Uri.EscapeDataString($"https://example.test/hook/{i}"), new { i });
        }

        h.Advance(TimeSpan.FromSeconds(1));

        h.Simulator.Webhooks.Select(w => w.Url.AbsolutePath).Should().Equal("/hook/1", "/hook/2");
    }

    [Fact]
    public async Task ScriptedFaultCounts_AreBoundedByMaxCalls_TheOldestBodyForgottenFirst()
    {
        using var h = Create(new FalSimulatorRetention { MaxCalls = 1 });
        h.Simulator.MapApp("emulator/flaky", FalAppScript.Succeed(new { }).WithFailures(FalCallKind.Submit, 1));
        async Task<int> Submit(object body) => (await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/flaky"), body)).Status;

        var first = await Submit(new { a = 1 });
        var retried = await Submit(new { a = 1 });
        var other = await Submit(new { b = 2 });
        var firstAgain = await Submit(new { a = 1 });

        (first, retried, other, firstAgain).Should().Be((503, 200, 503, 503), "only the last body's count is kept");
    }

    [Fact]
    public void DefaultRetention_KeepsTenThousandRequestsTenThousandCallsAThousandFiles256MiBForAnHour()
    {
        var retention = new FalSimulatorOptions().Retention;

        retention.MaxFinishedRequests.Should().Be(10_000);
        retention.MaxCalls.Should().Be(10_000);
        retention.MaxFiles.Should().Be(1_000);
        retention.MaxFileBytes.Should().Be(256L * 1024 * 1024);
        retention.MaxAge.Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public void NegativeRetentionLimit_IsRefusedAtCreation()
    {
        var create = () => new FalSimulator(new Microsoft.Reactive.Testing.TestScheduler(), new FalSimulatorOptions { Retention = new() { MaxCalls = -1 } });

        create.Should().Throw<ArgumentException>();
    }
}
