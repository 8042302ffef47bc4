using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Queue;

public class SimulatorRequestIdTests
{
    [Fact]
    public async Task RequestIds_AreRandomVersion4Uuids_NotSequential()
    {
        var ids = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            using var h = new SimulatorHarness();
            h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }));
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await h.SubmitAsync("emulator/echo")).GetProperty("request_id").GetString()!);
            }
        }

        ids.Should().OnlyHaveUniqueItems("two simulators must not hand out the same ids");
        ids.Select(IsLowercaseVersion4Uuid).Should().AllBeEquivalentTo(true);
        ids.Should().NotContain(id => id.StartsWith("0000000", StringComparison.Ordinal));
    }

    private static bool IsLowercaseVersion4Uuid(string id) =>
        Guid.TryParseExact(id, "D", out var guid) && guid.Version == 4 && !id.Any(char.IsAsciiLetterUpper);

    [Fact]
    public async Task RequestIdGenerator_GivesTheIds()
    {
        var n = 0;
        using var h = new SimulatorHarness(new FalSimulatorOptions { RequestIdGenerator = () => $"fixed-{++n}" });
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }));

        var submitted = await h.SubmitAsync("emulator/echo");

        submitted.GetProperty("request_id").GetString().Should().Be("fixed-1");
        (await h.StatusAsync(submitted)).Status.Should().Be(200);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData("same")]
    public async Task RequestIdGenerator_GivingAnUnsafeOrRepeatedId_FailsTheSubmitLoudly(string id)
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { RequestIdGenerator = () => id });
        h.Simulator.MapApp("emulator/echo", FalAppScript.Succeed(new { }));
        if (id == "same")
        {
            await h.SubmitAsync("emulator/echo");
        }

        var submit = () => h.SubmitAsync("emulator/echo");

        await submit.Should().ThrowAsync<InvalidOperationException>().WithMessage("*RequestIdGenerator*");
    }
}
