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
        var computed = FalRequestUrls.Compute(s_queue, FalAppId.Parse("fal-ai/flux/dev"), "r1");
        var served = new Uri("https://queue.fal.run/fal-ai/flux/dev/requests/r1/status");

        FalRequestUrls.Choose(computed, s_queue, served, null, null).Status.Should().Be(served);
    }

    [Theory]
    [InlineData("https://evil.example/fal-ai/flux/requests/r1/status")]
    [InlineData("http://queue.fal.run/fal-ai/flux/requests/r1/status")]
    [InlineData("https://queue.fal.run:8443/fal-ai/flux/requests/r1/status")]
    [InlineData("https://queue.fal.run.evil.example/fal-ai/flux/requests/r1/status")]
    public void Choose_ForeignHost_FallsBackToComputed(string foreign)
    {
        var computed = FalRequestUrls.Compute(s_queue, FalAppId.Parse("fal-ai/flux/dev"), "r1");

        FalRequestUrls.Choose(computed, s_queue, new Uri(foreign), null, null).Status.Should().Be(computed.Status);
    }
}
