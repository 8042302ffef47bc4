using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Surface;

/// <summary>
/// The surface tests' configuration of <see cref="FalHarness"/>: a tap in front of the simulator records what each
/// call carried on the wire (method, URL, headers) and when, in virtual ticks, which is what an option must change.
/// </summary>
internal sealed class WireTap : IDisposable
{
    private static readonly string s_queueHost = new FalClientOptions().QueueUrl.Host;

    private readonly FalHarness _harness;

    public WireTap()
    {
        _harness = FalHarness.WithKey("surface-key")
            .Simulator(new FalSimulatorOptions { Workers = 1 })
            .Handler(inner => new Recorder(this, inner))
            .Client(o => o.PollInterval = TimeSpan.FromMilliseconds(100))
            .Build();
        Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(5)).WithQueueTime(TimeSpan.FromSeconds(1)));
    }

    public TestScheduler Scheduler => _harness.Scheduler;

    public FalSimulator Simulator => _harness.Simulator;

    public FalClient Client => _harness.Client;

    public List<Call> Calls { get; } = [];

    /// <summary>The one submit POST.</summary>
    public Call Submitted() => Calls.Single(c => c.Method == "POST" && c.Url.Host == s_queueHost);

    /// <summary>The status polls (not the status stream), in order.</summary>
    public List<Call> Polls() => Calls.Where(c => c.Method == "GET" && c.Url.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)).ToList();

    public void Dispose() => _harness.Dispose();

    internal sealed record Call(long Time, string Method, Uri Url, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    private sealed class Recorder(WireTap owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            owner.Calls.Add(new Call(owner.Scheduler.Clock, request.Method.Method, request.RequestUri!, headers));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
