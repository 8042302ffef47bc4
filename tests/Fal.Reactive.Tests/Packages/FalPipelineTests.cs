using System.Text.Json;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Packages;

/// <summary>
/// <see cref="FalClient.Pipeline"/>: the public seam the webhook and realtime packages build on, so what it reports
/// is what they use.
/// </summary>
public class FalPipelineTests
{
    [Fact]
    public void Pipeline_ReportsTheClientsHttpClient_ConfiguredHosts_AndScheduler()
    {
        var scheduler = new TestScheduler();
        using var http = new HttpClient();
        using var fal = new FalClient(http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("k"),
            QueueUrl = new Uri("http://127.0.0.1:5000/"),
            RunUrl = new Uri("http://127.0.0.1:5000/_run"),
            RestUrl = new Uri("http://127.0.0.1:5000/_rest/"),
            Scheduler = scheduler,
        });

        var pipeline = fal.Pipeline;

        pipeline.HttpClient.Should().BeSameAs(http);
        pipeline.QueueUrl.Should().Be(new Uri("http://127.0.0.1:5000/"));
        pipeline.RunUrl.AbsoluteUri.Should().Be("http://127.0.0.1:5000/_run/", "hosts are held with their trailing slash");
        pipeline.RestUrl.Should().Be(new Uri("http://127.0.0.1:5000/_rest/"));
        pipeline.Scheduler.Should().BeSameAs(scheduler);
        fal.Pipeline.Should().BeSameAs(pipeline, "the pipeline is immutable, made once");
    }

    [Fact]
    public void Pipeline_HoldsNoKey()
    {
        using var fal = new FalClient(new FalClientOptions { Credentials = FalCredentials.FromKey("secret-key-123") });

        fal.Pipeline.HttpClient.DefaultRequestHeaders.Should().BeEmpty("the key goes per request, to fal's hosts only");
        fal.Pipeline.ToString().Should().NotContain("secret-key-123");
    }

    [Fact]
    public void Constructor_NullArguments_AreArgumentNullExceptions()
    {
        using var http = new HttpClient();
        var url = new Uri("https://fal.run/");
        FluentActions.Invoking(() => new FalPipeline(null!, url, url, url, Scheduler.Immediate)).Should().Throw<ArgumentNullException>().WithParameterName("httpClient");
        FluentActions.Invoking(() => new FalPipeline(http, url, url, null!, Scheduler.Immediate)).Should().Throw<ArgumentNullException>().WithParameterName("restUrl");
        FluentActions.Invoking(() => new FalPipeline(http, url, url, url, null!)).Should().Throw<ArgumentNullException>().WithParameterName("scheduler");
    }

    [Fact]
    public void WebhookVerifier_ReadsTheKeySetUrlAndTimeFromThePipeline_EvenAnOverriddenOne()
    {
        var scheduler = new TestScheduler();
        using var http = new HttpClient();
        using var fal = new PipelineOverride(new FalPipeline(http, new Uri("https://q.example/"), new Uri("https://r.example/"), new Uri("https://rest.example/v1/"), scheduler));

        var verifier = fal.CreateWebhookVerifier();

        verifier.JwksUrl.Should().Be(new Uri("https://rest.example/v1/.well-known/jwks.json"));
    }

    [Fact]
    public void RealtimeConnection_GetsItsTokenThroughCreateTemporaryTokenAsync_ForTheAppAndTheOptionsExpiration()
    {
        var scheduler = new TestScheduler();
        var simulator = new FalRealtimeSimulator(scheduler, new FalRealtimeSimulatorOptions { AcceptedKeys = ["rt-key"] })
            .MapApp("fal-ai/echo", input => input, TimeSpan.FromMilliseconds(50));
        using var fal = new CountingTokens(simulator, scheduler);
        using var connection = fal.Realtime("fal-ai/echo", new FalRealtimeOptions { TokenExpiration = TimeSpan.FromMinutes(3) });

        var results = scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: TimeSpan.FromSeconds(1).Ticks);

        fal.Calls.Should().ContainSingle().Which.Should().Be(("fal-ai/echo", TimeSpan.FromMinutes(3)));
        simulator.IssuedTokens.Should().ContainSingle().Which.AllowedApps.Should().Equal("echo");
        simulator.Connections.Should().ContainSingle();
        results.Messages.Should().BeEmpty("nothing was sent");
    }

    /// <summary>A test double that only replaces the pipeline, as a mock of the client would.</summary>
    private sealed class PipelineOverride(FalPipeline pipeline) : FalClient(pipeline.HttpClient, new FalClientOptions { Credentials = FalCredentials.FromKey("k") })
    {
        public override FalPipeline Pipeline => pipeline;
    }

    /// <summary>A client wired to a realtime simulator that records each temporary token asked for.</summary>
    private sealed class CountingTokens(FalRealtimeSimulator simulator, IScheduler scheduler) : FalClient(
        new HttpClient(simulator.CreateHandler()),
        new FalClientOptions { Credentials = FalCredentials.FromKey("rt-key"), RunUrl = simulator.RunUrl, RestUrl = simulator.RestUrl, Scheduler = scheduler },
        disposeHttpClient: true)
    {
        public List<(string App, TimeSpan? Expiration)> Calls { get; } = [];

        public override Task<string> CreateTemporaryTokenAsync(IEnumerable<string> appIds, TimeSpan? expiration = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((string.Join(",", appIds), expiration));
            return base.CreateTemporaryTokenAsync(appIds, expiration, cancellationToken);
        }
    }
}
