using Fal.Reactive.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Fal.Reactive.Tests.Extensions.DependencyInjection;

/// <summary>The registered HttpClient has no 100 s timeout of its own: a long direct run is bounded by FalRunOptions, not cut off.</summary>
public class FalClientHttpTimeoutTests
{
    [Fact]
    public void AddFalClient_HttpClientHasNoTimeoutOfItsOwn()
    {
        var services = new ServiceCollection();
        services.AddFalClient(o => o.Credentials = FalCredentials.FromKey("k"));
        using var provider = services.BuildServiceProvider();

        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(FalServiceCollectionExtensions.HttpClientName);

        http.Timeout.Should().Be(Timeout.InfiniteTimeSpan);
    }
}
