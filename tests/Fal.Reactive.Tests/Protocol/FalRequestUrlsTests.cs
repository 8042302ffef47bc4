namespace Fal.Reactive.Tests.Protocol;

public class FalRequestUrlsTests
{
    private static readonly Uri s_queue = new("https://queue.fal.run/");

    [Fact]
    public void Compute_UsesOwnerAndAliasOnly()
    {
        var urls = FalRequestUrls.Compute(s_queue, FalAppId.Parse("fal-ai/flux/dev"), "r 1");

        urls.Status.AbsoluteUri.Should().Be("https://queue.fal.run/fal-ai/flux/requests/r%201/status");
        urls.Response.AbsoluteUri.Should().Be("https://queue.fal.run/fal-ai/flux/requests/r%201");
        urls.Cancel.AbsoluteUri.Should().Be("https://queue.fal.run/fal-ai/flux/requests/r%201/cancel");
    }

    [Fact]
    public void Choose_PrefersAnswerUrlsOnTheQueueHost()
    {
        var app = FalAppId.Parse("fal-ai/flux/dev");
        var computed = FalRequestUrls.Compute(s_queue, app, "r1");
        var served = new Uri("https://queue.fal.run/fal-ai/flux/dev/requests/r1/status");

        var urls = FalRequestUrls.Choose(s_queue, app, "r1", served, null, null);

        urls.Status.Should().Be(served);
        urls.Response.Should().Be(computed.Response, "a missing URL falls back to the documented one");
        urls.Cancel.Should().Be(computed.Cancel);
    }

    [Fact]
    public void Choose_AllAnswerUrlsOnTheQueueHost_UsesThemAsGiven()
    {
        var status = new Uri("https://queue.fal.run/x/requests/r1/status");
        var response = new Uri("https://queue.fal.run/x/requests/r1");
        var cancel = new Uri("https://queue.fal.run/x/requests/r1/cancel");

        var urls = FalRequestUrls.Choose(s_queue, FalAppId.Parse("fal-ai/flux/dev"), "r1", status, response, cancel);

        (urls.Status, urls.Response, urls.Cancel).Should().Be((status, response, cancel));
        urls.StatusQuery(withLogs: true).AbsoluteUri.Should().Be("https://queue.fal.run/x/requests/r1/status?logs=1");
        urls.StatusQuery(withLogs: false).AbsoluteUri.Should().Be("https://queue.fal.run/x/requests/r1/status?logs=0");
    }

    [Theory]
    [InlineData("https://evil.example/fal-ai/flux/requests/r1/status")]
    [InlineData("http://queue.fal.run/fal-ai/flux/requests/r1/status")]
    [InlineData("https://queue.fal.run:8443/fal-ai/flux/requests/r1/status")]
    [InlineData("https://queue.fal.run.evil.example/fal-ai/flux/requests/r1/status")]
    public void Choose_ForeignHost_FallsBackToComputed(string foreign)
    {
        var app = FalAppId.Parse("fal-ai/flux/dev");
        var computed = FalRequestUrls.Compute(s_queue, app, "r1");
        var good = new Uri("https://queue.fal.run/fal-ai/flux/requests/r1");

        var urls = FalRequestUrls.Choose(s_queue, app, "r1", new Uri(foreign), good, good);

        urls.Status.Should().Be(computed.Status);
        urls.Response.Should().Be(good);
    }
}
