using System.Text.Json;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Credentials;

/// <summary>Temporary tokens: <c>POST {rest}/tokens/</c>, and credentials that fetch tokens and refresh them on the scheduler.</summary>
public class TemporaryTokenTests
{
    [Theory]
    [InlineData("\"jwt-abc\"")]
    [InlineData("""{"token":"jwt-abc"}""")]
    [InlineData("""{"detail":"jwt-abc"}""")]
    public async Task CreateTemporaryTokenAsync_PostsTheAliasesAndExpiration_AndReadsEachAnswerForm(string answer)
    {
        using var handler = new RecordingHandler(answer);
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey("k-1") }, disposeHttpClient: true);

        var token = await fal.CreateTemporaryTokenAsync(["fal-ai/fast-sdxl/image-to-image", "fal-ai/fast-sdxl", "fal-ai/any-llm"], TimeSpan.FromMinutes(5));

        token.Should().Be("jwt-abc");
        var call = handler.Requests.Should().ContainSingle().Subject;
        call.Url.Should().Be(new Uri("https://rest.fal.ai/tokens/"));
        call.Authorization.Should().Be("Key k-1");
        using var body = JsonDocument.Parse(call.Body!);
        body.RootElement.GetProperty("allowed_apps").EnumerateArray().Select(a => a.GetString()).Should().Equal("fast-sdxl", "any-llm");
        body.RootElement.GetProperty("token_expiration").GetInt32().Should().Be(300);
    }

    [Fact]
    public async Task CreateTemporaryTokenAsync_BadArguments_ThrowBeforeSending()
    {
        using var handler = new RecordingHandler("\"t\"");
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey("k-1") }, disposeHttpClient: true);

        await fal.Awaiting(f => f.CreateTemporaryTokenAsync([])).Should().ThrowAsync<ArgumentException>().WithMessage("*at least one app*");
        await fal.Awaiting(f => f.CreateTemporaryTokenAsync(["nope"])).Should().ThrowAsync<ArgumentException>();
        await fal.Awaiting(f => f.CreateTemporaryTokenAsync(["fal-ai/x"], TimeSpan.FromDays(2))).Should().ThrowAsync<ArgumentOutOfRangeException>();
        handler.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task TokenProviderCredentials_SendBearerTokens_RefreshedAt90PercentOfTheirLifetime()
    {
        var scheduler = new TestScheduler();
        var issued = 0;
        var credentials = FalCredentials.FromTokenProvider(_ => Task.FromResult($"tok-{++issued}"), TimeSpan.FromSeconds(100));
        using var handler = new RecordingHandler();
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = credentials, Scheduler = scheduler }, disposeHttpClient: true);

        await Task.WhenAll(fal.RunAsync("fal-ai/x", null), fal.RunAsync("fal-ai/x", null));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(89).Ticks);
        await fal.RunAsync("fal-ai/x", null);
        scheduler.AdvanceTo(TimeSpan.FromSeconds(90).Ticks);
        await fal.RunAsync("fal-ai/x", null);

        handler.Requests.Select(r => r.Authorization).Should().Equal("Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2");
        issued.Should().Be(2);
        credentials.ToString().Should().NotContain("tok-");
    }

    [Fact]
    public void FromTokenProvider_BadArguments_AreArgumentErrors()
    {
        FluentActions.Invoking(() => FalCredentials.FromTokenProvider(null!, TimeSpan.FromMinutes(1))).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => FalCredentials.FromTokenProvider(_ => Task.FromResult("t"), TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task TokenProviderReturnsABlankToken_TheCallFails_AndNothingIsSent()
    {
        using var handler = new RecordingHandler();
        var credentials = FalCredentials.FromTokenProvider(_ => Task.FromResult(" "), TimeSpan.FromMinutes(1));
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = credentials }, disposeHttpClient: true);

        await fal.Awaiting(f => f.RunAsync("fal-ai/x", null)).Should().ThrowAsync<FalException>().WithMessage("*empty token*");
        handler.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task TokenProviderFails_TheCallFailsWithItsError_AndTheNextCallTriesAgain()
    {
        var attempts = 0;
        var credentials = FalCredentials.FromTokenProvider(
            _ => ++attempts == 1 ? Task.FromException<string>(new HttpRequestException("backend down")) : Task.FromResult("tok"),
            TimeSpan.FromMinutes(1));
        using var handler = new RecordingHandler();
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = credentials }, disposeHttpClient: true);

        await fal.Awaiting(f => f.RunAsync("fal-ai/x", null)).Should().ThrowAsync<FalException>().WithInnerException(typeof(HttpRequestException));
        await fal.RunAsync("fal-ai/x", null);

        handler.Requests.Should().ContainSingle().Which.Authorization.Should().Be("Bearer tok");
    }
}
