using System.Globalization;
using System.Reactive.Concurrency;
using BlazorRequests;
using Fal.Reactive;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace BlazorRequests.Tests.Support;

/// <summary>
/// The page's backend in virtual time: a <see cref="TestScheduler"/>, the test kit's <see cref="FalSimulator"/> on it
/// (two workers), and <c>fal-ai/fast-sdxl</c> scripted as the emulator runs it (40 ms a step, "Step n/N" every five
/// steps, an image URL); the prompt "fail" fails with a 422.
/// </summary>
internal sealed class SimulatedFal : IDisposable
{
    public SimulatedFal()
    {
        Simulator = new FalSimulator(Scheduler, new FalSimulatorOptions { Workers = 2 });
        Simulator.MapApp(SampleBackend.DefaultApp, call =>
        {
            var prompt = call.Input.GetProperty("prompt").GetString()!;
            if (prompt == "fail")
            {
                return FalAppScript.Fail(422, "prompt refused", "content_policy_violation");
            }

            var steps = call.Input.TryGetProperty("num_inference_steps", out var s) ? s.GetInt32() : 25;
            var step = TimeSpan.FromMilliseconds(40);
            var logs = Enumerable.Range(1, steps / 5)
                .Select(i => (step * i * 5, string.Create(CultureInfo.InvariantCulture, $"Step {i * 5}/{steps}")))
                .ToArray();
            var url = $"https://v3.fal.media/files/{Uri.EscapeDataString(prompt)}.png";
            return FalAppScript.Succeed(new { images = new[] { new { url, width = 512, height = 512 } }, prompt }, step * steps).WithLogs(logs);
        });
        Client = Simulator.CreateClient();
        Backend = new SampleBackend(Client, "the test kit's simulator");
    }

    public TestScheduler Scheduler { get; } = new();

    public FalSimulator Simulator { get; }

    public FalClient Client { get; }

    public SampleBackend Backend { get; }

    public void Advance(double seconds) => Scheduler.AdvanceBy(TimeSpan.FromSeconds(seconds).Ticks);

    /// <summary>Advances in small steps until <paramref name="condition"/> holds (at most <paramref name="seconds"/> of virtual time).</summary>
    public void AdvanceUntil(Func<bool> condition, double seconds = 30)
    {
        var end = Scheduler.Clock + TimeSpan.FromSeconds(seconds).Ticks;
        while (!condition())
        {
            if (Scheduler.Clock >= end)
            {
                throw new TimeoutException($"The condition did not hold within {seconds} s of virtual time.");
            }

            Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
        }
    }

    public IReadOnlyList<FalSimulatedRequestState> States => Simulator.Requests.Select(r => r.State).ToList();

    public void Dispose() => Client.Dispose();
}
