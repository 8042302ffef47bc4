using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Surface;

/// <summary>
/// A client over the simulator on one <see cref="TestScheduler"/>, with a handler in between that records what
/// each call carried on the wire (method, URL, headers) and when, in virtual ticks: what an option must change.
/// </summary>
internal sealed class HeaderFal : IDisposable
{
    public HeaderFal()
    {
        Simulator = new FalSimulator(Scheduler, new FalSimulatorOptions { Workers = 1 });
        Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(5)).WithQueueTime(TimeSpan.FromSeconds(1)));
        Http = new HttpClient(new Recorder(this, Simulator.CreateHandler()));
        Client = new FalClient(Http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("surface-key"),
            Scheduler = Scheduler,
            PollInterval = TimeSpan.FromMilliseconds(100),
        });
    }

    public TestScheduler Scheduler { get; } = new();

    public FalSimulator Simulator { get; }

    public HttpClient Http { get; }

    public FalClient Client { get; }

    public List<Call> Calls { get; } = [];

    /// <summary>The one submit POST.</summary>
    public Call Submitted() => Calls.Single(c => c.Method == "POST" && c.Url.Host == QueueHost);

    /// <summary>The status polls (not the status stream), in order.</summary>
    public List<Call> Polls() => Calls.Where(c => c.Method == "GET" && c.Url.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)).ToList();

    private static readonly string QueueHost = new FalClientOptions().QueueUrl.Host;

    public void Dispose()
    {
        Client.Dispose();
        Http.Dispose();
    }

    internal sealed record Call(long Time, string Method, Uri Url, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    private sealed class Recorder(HeaderFal owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            owner.Calls.Add(new Call(owner.Scheduler.Clock, request.Method.Method, request.RequestUri!, headers));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
