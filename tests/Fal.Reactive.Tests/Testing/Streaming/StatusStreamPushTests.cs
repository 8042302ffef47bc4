using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Streaming;

/// <summary>
/// The status stream is pushed at the change of the model itself (in virtual time: the same instant), with no
/// further call, and only to the streams whose request changed.
/// </summary>
public class StatusStreamPushTests
{
    private static async Task<EventStreamReader> OpenAsync(SimulatorHarness h, JsonElement submitted)
    {
        var response = await h.Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, submitted.GetProperty("status_url").GetString() + "/stream"), HttpCompletionOption.ResponseHeadersRead);
        return new EventStreamReader(await response.Content.ReadAsStreamAsync());
    }

    private static List<string> Statuses(EventStreamReader reader) =>
        [.. reader.DataLines().Select(d => JsonDocument.Parse(d).RootElement).Select(e =>
            e.TryGetProperty("queue_position", out var p) ? "IN_QUEUE " + p.GetInt32() : e.GetProperty("status").GetString()!)];

    [Fact]
    public async Task RequestCompletes_CompletedIsWrittenAtThatInstant_WithoutAnotherCall()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(2)));
        var submitted = await h.SubmitAsync("emulator/slow");
        var reader = await OpenAsync(h, submitted);

        h.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Statuses(reader).Should().Equal("IN_PROGRESS");

        h.Advance(TimeSpan.FromTicks(1));

        Statuses(reader).Should().Equal("IN_PROGRESS", "COMPLETED");
        reader.Ended.Should().BeTrue();
        h.Simulator.Requests.Single().CompletedAt.Should().Be(h.Scheduler.Now);
        h.Simulator.Calls.Select(c => c.Kind).Should().Equal(FalCallKind.Submit, FalCallKind.StatusStream);
    }

    [Fact]
    public async Task OneOfManyRequestsCompletes_OnlyItsStreamsGetAnEvent()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/slow", call => FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(call.Input.GetProperty("s").GetInt32())));
        var first = await h.SubmitAsync("emulator/slow", new { s = 1 });
        var second = await h.SubmitAsync("emulator/slow", new { s = 5 });
        var firstReaders = new[] { await OpenAsync(h, first), await OpenAsync(h, first) };
        var secondReader = await OpenAsync(h, second);

        h.Advance(TimeSpan.FromSeconds(1));

        firstReaders.Should().AllSatisfy(r => Statuses(r).Should().Equal("IN_PROGRESS", "COMPLETED"));
        Statuses(secondReader).Should().Equal("IN_PROGRESS");
        secondReader.Ended.Should().BeFalse();
    }

    [Fact]
    public async Task QueuedRequestAheadIsCancelled_StreamsBehindGetTheirNewPositionAtOnce()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1 });
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(10)));
        await h.SubmitAsync("emulator/slow");   // runs
        var ahead = await h.SubmitAsync("emulator/slow");
        var behind = await h.SubmitAsync("emulator/slow");
        var reader = await OpenAsync(h, behind);
        Statuses(reader).Should().Equal("IN_QUEUE 1");

        (await h.CancelAsync(ahead)).Status.Should().Be(200);

        Statuses(reader).Should().Equal("IN_QUEUE 1", "IN_QUEUE 0");
    }

    [Fact]
    public async Task NormalRequestJumpsAheadOfALowPriorityOne_TheLowOnesStreamGetsItsNewPosition()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1 });
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(10)));
        await h.SubmitAsync("emulator/slow");   // runs
        var low = await h.SubmitAsync("emulator/slow", configure: r => r.Headers.Add("X-Fal-Queue-Priority", "low"));
        var reader = await OpenAsync(h, low);

        await h.SubmitAsync("emulator/slow");
        h.Advance(TimeSpan.FromSeconds(10));   // the first finishes: the normal one starts

        Statuses(reader).Should().Equal("IN_QUEUE 0", "IN_QUEUE 1", "IN_QUEUE 0");
    }
}
