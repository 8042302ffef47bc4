using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Emulator;

namespace Fal.Reactive.Tests.Integration;

/// <summary>Disposing a client with requests in flight, over real HTTP against the emulator (real time, every wait bounded).</summary>
public sealed class ClientDisposalOverHttpTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DisposeWithRequestsInFlight_ReturnsWithEveryRequestCancelledOnTheServer_AndEachSubscriberToldOnceWithItsId()
    {
        var options = fixture.Emulator.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(20);
        var fal = new FalClient(options);
        var firsts = Enumerable.Range(0, 20).Select(_ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var errors = Enumerable.Range(0, 20).Select(_ => new List<Exception>()).ToList();
        for (var i = 0; i < 20; i++)
        {
            var n = i;
            fal.Submit("emulator/slow", new { run_seconds = 60, tag = n }).Subscribe(
                status => firsts[n].TrySetResult(status.RequestId),
                error =>
                {
                    lock (errors[n])
                    {
                        errors[n].Add(error);
                    }
                });
        }

        var ids = await Task.WhenAll(firsts.Select(f => f.Task)).WaitAsync(s_bound);

        fal.Dispose();

        var requests = fixture.Emulator.Simulator.Requests.Where(r => ids.Contains(r.RequestId)).ToList();
        requests.Should().HaveCount(20).And.OnlyContain(r => r.CancelRequested, "Dispose returned after every cancel was answered");
        for (var i = 0; i < 20; i++)
        {
            errors[i].Should().ContainSingle().Which.Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(ids[i]);
        }
    }
}
