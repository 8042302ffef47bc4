using System.Text.Json;
using Fal.Reactive.Emulator;

namespace Fal.Reactive.Tests.Emulator;

/// <summary>
/// The emulator's built-in apps take the inputs fal documents (and the official clients' examples send):
/// fast-sdxl text-to-image and image-to-image sizes, image URLs and data URIs, any-llm's <c>model</c>.
/// Driven through FalClient over real HTTP.
/// </summary>
public sealed class EmulatorAppSchemasTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly FalClient _fal = new(fixture.Emulator.CreateClientOptions());

    public void Dispose() => _fal.Dispose();

    [Theory]
    [InlineData(null, 1024, 1024)]
    [InlineData("\"square\"", 512, 512)]
    [InlineData("\"landscape_16_9\"", 1024, 576)]
    [InlineData("\"portrait_4_3\"", 768, 1024)]
    [InlineData("""{"width":640}""", 640, 512)]
    [InlineData("""{"width":48,"height":32}""", 48, 32)]
    public async Task TextToImage_ImageSize_IsComputedAsFalDoes(string? imageSize, int width, int height)
    {
        var input = new Dictionary<string, object?> { ["prompt"] = "a lighthouse", ["num_inference_steps"] = 1 };
        if (imageSize is not null)
        {
            input["image_size"] = JsonDocument.Parse(imageSize).RootElement;
        }

        var image = (await Run("fal-ai/fast-sdxl", input)).GetProperty("images")[0];

        (image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()).Should().Be((width, height));
    }

    [Fact]
    public async Task ImageToImage_DataUri_KeepsTheInputImagesSize()
    {
        var png = await SmallPngAsync(40, 24);

        var output = await Run("fal-ai/fast-sdxl/image-to-image", new { prompt = "make it blue", image_url = "data:image/png;base64," + Convert.ToBase64String(png), strength = 0.5, num_inference_steps = 1 });

        var image = output.GetProperty("images")[0];
        (image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()).Should().Be((40, 24));
    }

    [Fact]
    public async Task ImageToImage_HttpUrlOfAnEmulatorFile_KeepsItsSize_AndImageSizeStillWins()
    {
        var url = (await Run("fal-ai/fast-sdxl", new { prompt = "source", image_size = new { width = 64, height = 48 }, num_inference_steps = 1 }))
            .GetProperty("images")[0].GetProperty("url").GetString();

        var kept = (await Run("fal-ai/fast-sdxl/image-to-image", new { prompt = "edit", image_url = url, num_inference_steps = 1 })).GetProperty("images")[0];
        var sized = (await Run("fal-ai/fast-sdxl/image-to-image", new { prompt = "edit", image_url = url, image_size = "square", num_inference_steps = 1 })).GetProperty("images")[0];

        (kept.GetProperty("width").GetInt32(), kept.GetProperty("height").GetInt32()).Should().Be((64, 48));
        sized.GetProperty("width").GetInt32().Should().Be(512);
    }

    [Theory]
    [InlineData("not a url", "image_url")]
    [InlineData("data:image/png;base64,!!!", "image_url")]
    [InlineData("ftp://files.example/cat.png", "image_url")]
    public async Task ImageToImage_BadImageUrl_Is422OnThatField(string imageUrl, string field)
    {
        var act = () => Run("fal-ai/fast-sdxl/image-to-image", new { prompt = "edit", image_url = imageUrl });

        var error = (await act.Should().ThrowAsync<FalHttpException>()).Which;
        error.StatusCode.Should().Be(422);
        error.ValidationErrors.Should().ContainSingle().Which.Field.Should().Be(field);
    }

    [Fact]
    public async Task ImageToImage_UnloadableImages_AreFalsModelErrors_WithTypeAndDocsUrl()
    {
        var stored = await _fal.Storage.UploadAsync(FalUploadContent.FromBytes("not an image"u8.ToArray(), "text/plain"));
        var missing = new Uri(stored, "../no-such-file.png");

        var notAnImage = await FieldErrorOf(new { prompt = "edit", image_url = "data:image/png;base64,!!!" });
        var textFile = await FieldErrorOf(new { prompt = "edit", image_url = stored.AbsoluteUri });
        var notThere = await FieldErrorOf(new { prompt = "edit", image_url = missing.AbsoluteUri });
        var required = await FieldErrorOf(new { prompt = "edit" });

        notAnImage.Type.Should().Be(FalModelErrorTypes.ImageLoadError);
        notAnImage.Url.Should().Be("https://docs.fal.ai/errors/#image_load_error");
        notAnImage.Loc.Should().Equal("body", "image_url");
        textFile.Type.Should().Be(FalModelErrorTypes.ImageLoadError);
        notThere.Type.Should().Be(FalModelErrorTypes.FileDownloadError);
        notThere.Url.Should().Be("https://docs.fal.ai/errors/#file_download_error");
        required.Url.Should().Be("https://docs.fal.ai/errors/#value_error.missing", "every field error links its type, as fal's model errors do");
    }

    private async Task<FalValidationError> FieldErrorOf(object input)
    {
        var act = () => Run("fal-ai/fast-sdxl/image-to-image", input);
        var error = (await act.Should().ThrowAsync<FalHttpException>()).Which;
        error.StatusCode.Should().Be(422);
        return error.ValidationErrors.Should().ContainSingle().Subject;
    }

    [Fact]
    public async Task ImageToImage_WithoutImageUrl_Is422FieldRequired()
    {
        var act = () => Run("fal-ai/fast-sdxl/image-to-image", new { prompt = "edit" });

        var error = (await act.Should().ThrowAsync<FalHttpException>()).Which.ValidationErrors.Should().ContainSingle().Subject;
        error.Field.Should().Be("image_url");
        error.Type.Should().Be("value_error.missing");
    }

    [Fact]
    public async Task AnyLlm_Model_IsUsed_AndReasoningAddsItsField()
    {
        var output = await Run("fal-ai/any-llm", new { prompt = "hi", model = "anthropic/claude-3.5-sonnet", system_prompt = "be brief", reasoning = true });

        output.GetProperty("output").GetString().Should().Contain("anthropic/claude-3.5-sonnet").And.Contain("be brief");
        output.GetProperty("reasoning").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task AnyLlm_MalformedModel_Is422OnModel()
    {
        var act = () => Run("fal-ai/any-llm", new { prompt = "hi", model = "gpt4" });

        (await act.Should().ThrowAsync<FalHttpException>()).Which.ValidationErrors.Should().ContainSingle().Which.Field.Should().Be("model");
    }

    private async Task<JsonElement> Run(string app, object input) => (await _fal.RunAsync(app, input, new FalRunOptions { Timeout = s_bound })).Result;

    private async Task<byte[]> SmallPngAsync(int width, int height)
    {
        var url = (await Run("fal-ai/fast-sdxl", new { prompt = "tiny", image_size = new { width, height }, num_inference_steps = 1 }))
            .GetProperty("images")[0].GetProperty("url").GetString();
        using var plain = new HttpClient();
        return await plain.GetByteArrayAsync(url);
    }
}
