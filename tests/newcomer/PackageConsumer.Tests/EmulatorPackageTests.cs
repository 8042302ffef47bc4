using System.Text.Json;
using Fal.Reactive;
using Fal.Reactive.Emulator;

namespace PackageConsumer.Tests;

/// <summary>What a user's test does with the Fal.Reactive.Emulator package: start one in-process, point a client at it.</summary>
public class EmulatorPackageTests
{
    [Fact]
    public async Task AnInProcessEmulator_ServesTheClient()
    {
        await using var emulator = await FalEmulator.StartAsync();
        await using var fal = new FalClient(emulator.CreateClientOptions());

        JsonElement output = await fal.SubscribeAsync("emulator/echo", new { hello = "from a package" })
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("from a package", output.GetProperty("hello").GetString());
        Assert.Contains(emulator.Simulator.Requests, r => r.AppId == "emulator/echo");
    }
}
