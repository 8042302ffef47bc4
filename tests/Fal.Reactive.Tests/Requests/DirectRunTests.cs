using System.Net;
using System.Text;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>Direct runs (<c>POST {run}/{app}</c>) in virtual time: the run's own timeout, its request id, the synchronous form.</summary>
public class DirectRunTests
{
    [Fact]
    public async Task RunLongerThanHttpClientDefault_WithoutTimeout_ReturnsTheOutput()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromMinutes(5)));

        var run = fal.Client.RunAsync(App, new { prompt = "slow" });
        fal.Scheduler.AdvanceBy(Ticks(299));
        run.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(Ticks(1));

        (await run).Result.GetProperty("seed").GetInt32().Should().Be(7);
    }

    [Fact]
    public async Task TimeoutRunsOut_FailsWithFalTimeoutException_AndTheRunIsAbandonedOnFal()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(60)));

        var run = fal.Client.RunAsync(App, new { prompt = "slow" }, new FalRunOptions { Timeout = TimeSpan.FromSeconds(20) });
        fal.Scheduler.AdvanceBy(Ticks(19.9));
        run.IsCompleted.Should().BeFalse();
        fal.Scheduler.AdvanceBy(Ticks(0.1));

        var error = (await run.Awaiting(r => r).Should().ThrowAsync<FalTimeoutException>()).Which;
        error.Timeout.Should().Be(TimeSpan.FromSeconds(20));
        error.Message.Should().Contain(App);
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public async Task CallerCancels_IsOperationCanceled_NotATimeout()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(60)));
        using var cts = new CancellationTokenSource();

        var run = fal.Client.RunAsync(App, null, new FalRunOptions { Timeout = TimeSpan.FromSeconds(20) }, cts.Token);
        fal.Scheduler.AdvanceBy(Ticks(5));
        await cts.CancelAsync();

        await run.Awaiting(r => r).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RunAsync_ReturnsTheIdFalGaveTheRun()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { seed = 7 }, TimeSpan.FromSeconds(1)));

        var run = fal.Client.RunAsync(App, new { prompt = "x" });
        fal.Scheduler.AdvanceBy(Ticks(1));
        var result = await run;

        result.RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        result.GetResult<Seeded>().Seed.Should().Be(7);
    }

    [Fact]
    public void Run_Synchronous_ReturnsTheOutput_AndSendsTheHeaders()
    {
        using var handler = new AnsweringHandler("""{"ok":true}""");
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key) }, disposeHttpClient: true);
        var options = new FalRunOptions { Hint = "lora:a" };

        var output = fal.Run(App, new { prompt = "x" }, options);

        output.Result.GetProperty("ok").GetBoolean().Should().BeTrue();
        handler.SyncSends.Should().Be(1);
        handler.Last!.Headers.GetValues("X-Fal-Runner-Hint").Should().Equal("lora:a");
    }

    [Fact]
    public async Task BadTimeouts_ThrowAtTheCall_AndSendNothing()
    {
        using var handler = new AnsweringHandler("{}");
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key) }, disposeHttpClient: true);

        await fal.Awaiting(f => f.RunAsync(App, null, new FalRunOptions { Timeout = TimeSpan.Zero })).Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*Timeout must be positive*");
        fal.Invoking(f => f.Run(App, null, new FalRunOptions { Timeout = TimeSpan.FromSeconds(-1) })).Should().Throw<ArgumentOutOfRangeException>();
        fal.Invoking(f => f.StreamAsync(App, null, new FalStreamOptions { IdleTimeout = TimeSpan.Zero })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*IdleTimeout*");
        fal.Invoking(f => f.Stream("not-an-app", null)).Should().Throw<ArgumentException>();
        handler.Sends.Should().Be(0);
    }

    private sealed record Seeded(int Seed);

    /// <summary>Answers every call with the same JSON and counts the sends (sync ones apart).</summary>
    internal sealed class AnsweringHandler(string json) : HttpMessageHandler
    {
        public int Sends { get; private set; }

        public int SyncSends { get; private set; }

        public HttpRequestMessage? Last { get; private set; }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            SyncSends++;
            return Answer(request);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Answer(request));

        private HttpResponseMessage Answer(HttpRequestMessage request)
        {
            Sends++;
            Last = request;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
