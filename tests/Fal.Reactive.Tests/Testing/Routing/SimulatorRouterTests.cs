using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Routing;

public class SimulatorRouterTests
{
    private static readonly SimulatorRouter s_router = new(new SimulatorHosts(new FalSimulatorOptions()), new KeyCheck(["good-key"], new IssuedTokens(System.Reactive.Concurrency.ImmediateScheduler.Instance)));

    private static RoutedCall Route(string method, string url, string? authorization = "Key good-key")
    {
        var headers = authorization is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = authorization };
        return s_router.Route(new SimulatorHttpRequest(method, new Uri(url), headers, ReadOnlyMemory<byte>.Empty));
    }

    [Theory]
    [InlineData("POST", "https://queue.fal.run/fal-ai/flux/dev", FalCallKind.Submit)]
    [InlineData("POST", "https://queue.fal.run/workflows/owner/alias", FalCallKind.Submit)]
    [InlineData("GET", "https://queue.fal.run/fal-ai/flux/requests/r1/status", FalCallKind.Status)]
    [InlineData("GET", "https://queue.fal.run/fal-ai/flux/requests/r1/status/stream", FalCallKind.StatusStream)]
    [InlineData("GET", "https://queue.fal.run/fal-ai/flux/requests/r1", FalCallKind.Result)]
    [InlineData("GET", "https://queue.fal.run/workflows/owner/alias/requests/r1", FalCallKind.Result)]
    [InlineData("PUT", "https://queue.fal.run/fal-ai/flux/requests/r1/cancel", FalCallKind.Cancel)]
    [InlineData("POST", "https://fal.run/fal-ai/any-llm", FalCallKind.Run)]
    [InlineData("POST", "https://fal.run/fal-ai/any-llm/stream", FalCallKind.Stream)]
    [InlineData("POST", "https://rest.fal.ai/storage/upload/initiate", FalCallKind.UploadInitiate)]
    [InlineData("POST", "https://rest.fal.ai/storage/auth/token", FalCallKind.StorageToken)]
    [InlineData("PUT", "https://v3.fal.media/upload/0001", FalCallKind.UploadPut)]
    [InlineData("POST", "https://v3.fal.media/files/upload", FalCallKind.CdnUpload)]
    [InlineData("GET", "https://v3.fal.media/files/0001/a.png", FalCallKind.File)]
    [InlineData("POST", "https://rest.fal.ai/storage/upload/initiate-multipart", FalCallKind.MultipartInitiate)]
    [InlineData("POST", "https://v3.fal.media/files/upload/multipart", FalCallKind.CdnMultipartCreate)]
    [InlineData("PUT", "https://v3.fal.media/files/0001/a.png/multipart/0001/3", FalCallKind.MultipartPart)]
    [InlineData("POST", "https://v3.fal.media/files/0001/a.png/multipart/0001/complete", FalCallKind.MultipartComplete)]
    [InlineData("PUT", "https://v3.fal.media/multipart/0001/3", FalCallKind.MultipartPart)]
    [InlineData("POST", "https://v3.fal.media/multipart/0001/complete", FalCallKind.MultipartComplete)]
    public void KnownEndpoint_IsClassifiedAndServed(string method, string url, FalCallKind kind)
    {
        var route = Route(method, url);

        route.Kind.Should().Be(kind);
        route.Rejection.Should().BeNull();
    }

    [Theory]
    [InlineData("GET", "https://queue.fal.run/fal-ai/flux/dev/requests/r1/status")]
    [InlineData("DELETE", "https://queue.fal.run/fal-ai/flux/requests/r1")]
    [InlineData("GET", "https://fal.run/fal-ai/any-llm")]
    [InlineData("POST", "https://example.com/fal-ai/flux")]
    public void UnknownEndpoint_IsRefusedWith404(string method, string url)
    {
        var route = Route(method, url);

        route.Kind.Should().Be(FalCallKind.Unknown);
        route.Rejection!.StatusCode.Should().Be(404);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer good-key")]
    [InlineData("Key other-key")]
    public void MissingMalformedOrRejectedKey_IsRefusedWith401(string? authorization)
    {
        var route = Route("POST", "https://queue.fal.run/fal-ai/flux", authorization);

        route.Kind.Should().Be(FalCallKind.Submit);
        route.Rejection!.StatusCode.Should().Be(401);
    }

    [Fact]
    public void KeylessEndpoints_AreServedWithoutAKey()
    {
        Route("PUT", "https://v3.fal.media/upload/0001", authorization: null).Rejection.Should().BeNull();
        Route("GET", "https://v3.fal.media/files/0001/a.png", authorization: null).Rejection.Should().BeNull();
        Route("POST", "https://v3.fal.media/files/upload", authorization: null).Rejection!.StatusCode.Should().Be(401);
        Route("POST", "https://v3.fal.media/files/upload", authorization: "Bearer any-cdn-token").Rejection.Should().BeNull();
    }
}
