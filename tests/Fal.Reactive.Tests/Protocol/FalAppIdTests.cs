namespace Fal.Reactive.Tests.Protocol;

public class FalAppIdTests
{
    [Theory]
    [InlineData("fal-ai/fast-sdxl", "fal-ai/fast-sdxl", "fal-ai/fast-sdxl")]
    [InlineData("fal-ai/flux/dev", "fal-ai/flux/dev", "fal-ai/flux")]
    [InlineData("fal-ai/fast-sdxl/image-to-image", "fal-ai/fast-sdxl/image-to-image", "fal-ai/fast-sdxl")]
    [InlineData("xai/grok-imagine-image/quality/edit", "xai/grok-imagine-image/quality/edit", "xai/grok-imagine-image")]
    [InlineData("workflows/me/my-flow", "workflows/me/my-flow", "workflows/me/my-flow")]
    [InlineData("workflows/me/my-flow/sub", "workflows/me/my-flow/sub", "workflows/me/my-flow")]
    [InlineData("comfy/me/graph", "comfy/me/graph", "comfy/me/graph")]
    [InlineData("1234-my-app", "1234/my-app", "1234/my-app")]
    [InlineData("fal-ai/flux-pro/v1.1-ultra", "fal-ai/flux-pro/v1.1-ultra", "fal-ai/flux-pro")]
    public void Parse_ValidIds_GiveSubmitAndBasePaths(string id, string submitPath, string basePath)
    {
        var app = FalAppId.Parse(id);

        app.SubmitPath.Should().Be(submitPath);
        app.BasePath.Should().Be(basePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast-sdxl")]
    [InlineData("fal-ai/")]
    [InlineData("/fast-sdxl")]
    [InlineData("fal-ai//fast-sdxl")]
    [InlineData("workflows/me")]
    [InlineData("fal-ai/fast sdxl")]
    [InlineData("fal-ai/../secrets")]
    [InlineData("fal-ai/fast-sdxl?x=1")]
    [InlineData("https://evil.example/fal-ai/x")]
    public void Parse_InvalidIds_ThrowArgumentExceptionNamingTheFormat(string id)
    {
        var act = () => FalAppId.Parse(id);

        act.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain($"'{id}'").And.Contain("<owner>/<alias>");
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException() =>
        FluentActions.Invoking(() => FalAppId.Parse(null!)).Should().Throw<ArgumentNullException>();
}
