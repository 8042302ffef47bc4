using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Http;

/// <summary>Proxy mode (<see cref="FalClientOptions.ProxyUrl"/>): every call to the proxy, fal's URL in <c>x-fal-target-url</c>.</summary>
public class ProxyModeTests
{
    private static readonly Uri s_proxy = new("https://my-app.example/api/fal/proxy");

    [Fact]
    public async Task EveryCall_GoesToTheProxy_WithFalsUrlInTheTargetHeader()
    {
        using var handler = new RecordingHandler();
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { ProxyUrl = s_proxy, Credentials = FalCredentials.FromKey("k-1") }, disposeHttpClient: true);

        await fal.RunAsync("fal-ai/fast-sdxl", new { prompt = "x" });

        var call = handler.Requests.Should().ContainSingle().Subject;
        call.Url.Should().Be(s_proxy);
        call.TargetUrl.Should().Be("https://fal.run/fal-ai/fast-sdxl");
        call.Authorization.Should().Be("Key k-1", "explicit credentials go to the proxy the user configured");
    }

    [Fact]
    public async Task WithoutCredentials_SendsNoKey_AndIgnoresTheEnvironmentKey()
    {
        using var env = EnvironmentScope.With((FalCredentials.KeyVariable, "env-key-never-sent"));
        using var handler = new RecordingHandler();
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions { ProxyUrl = s_proxy }, disposeHttpClient: true);

        await fal.RunAsync("fal-ai/fast-sdxl", null);

        handler.Requests.Should().ContainSingle().Which.Authorization.Should().BeNull();
    }

    [Fact]
    public async Task WithoutProxy_WithoutCredentials_StillFailsBeforeSending()
    {
        using var env = EnvironmentScope.Without(FalCredentials.KeyVariable, FalCredentials.KeyIdVariable, FalCredentials.KeySecretVariable);
        using var handler = new RecordingHandler();
        using var fal = new FalClient(new HttpClient(handler), new FalClientOptions(), disposeHttpClient: true);

        await fal.Awaiting(f => f.RunAsync("fal-ai/fast-sdxl", null)).Should().ThrowAsync<MissingCredentialsException>();
        handler.Requests.Should().BeEmpty();
    }

    [Fact]
    public void RelativeProxyUrl_IsAnArgumentErrorAtConstruction()
    {
        var act = () => new FalClient(new FalClientOptions { ProxyUrl = new Uri("/api/fal/proxy", UriKind.Relative) });

        act.Should().Throw<ArgumentException>().WithMessage("*ProxyUrl*");
    }
}
