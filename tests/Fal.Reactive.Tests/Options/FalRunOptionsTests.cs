using System.Net;
using System.Reactive.Linq;
using System.Text;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Options;

public class FalRunOptionsTests
{
    [Fact]
    public async Task RunAsync_SendsHintStartTimeoutAndHeaders()
    {
        using var handler = new CapturingHandler();
        using var fal = Client(handler);
        var options = new FalRunOptions { Hint = "lora:a", StartTimeout = TimeSpan.FromSeconds(30) };
        options.Headers["X-Trace"] = "t1";

        var output = await fal.RunAsync(App, new { prompt = "x" }, options);

        output.Result.GetProperty("ok").GetBoolean().Should().BeTrue();
        handler.Headers.Should().Contain(new[] { ("X-Fal-Runner-Hint", "lora:a"), ("X-Fal-Request-Timeout", "30"), ("X-Trace", "t1") });
        handler.Headers.Select(h => h.Name).Should().NotContain("X-Fal-Queue-Priority");
    }

    [Fact]
    public async Task BadRunOptions_ThrowAtTheCall_AndSendNothing()
    {
        using var handler = new CapturingHandler();
        using var fal = Client(handler);
        var authorization = new FalRunOptions();
        authorization.Headers["Authorization"] = "Key stolen";
        var authorizationStream = new FalStreamOptions();
        authorizationStream.Headers["Authorization"] = "Key stolen";
        var early = new FalStreamOptions { StartTimeout = TimeSpan.FromSeconds(1) };
        var earlyRun = new FalRunOptions { StartTimeout = TimeSpan.FromSeconds(1) };

        await FluentActions.Awaiting(() => fal.RunAsync(App, null, earlyRun)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*greater than 1 second*");
        FluentActions.Invoking(() => fal.Stream(App, null, early)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*greater than 1 second*");
        FluentActions.Invoking(() => fal.Stream(App, null, authorizationStream)).Should().Throw<ArgumentException>().WithMessage("*Authorization*");
        await FluentActions.Awaiting(() => fal.RunAsync(App, null, authorization)).Should().ThrowAsync<ArgumentException>().WithMessage("*Authorization*");
        handler.Headers.Should().BeEmpty();
    }

    private static FalClient Client(CapturingHandler handler) =>
        new(new HttpClient(handler, disposeHandler: false), new FalClientOptions { Credentials = FalCredentials.FromKey(Key) }, disposeHttpClient: true);

    /// <summary>Answers every call with <c>{"ok":true}</c> and keeps the headers it was sent.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<(string Name, string Value)> Headers { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Headers.AddRange(request.Headers.Where(h => h.Key != "Authorization").SelectMany(h => h.Value.Select(v => (h.Key, v))));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"ok":true}""", Encoding.UTF8, "application/json") });
        }
    }
}
