using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator;

namespace Fal.Reactive.Tests.Emulator;

public class EmulatorAppsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private HttpClient Http => fixture.Http;

    private FalEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task FastSdxl_OutputsFalShapesAndServesAValidPng()
    {
        var submitted = await fixture.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "a lighthouse", num_inference_steps = 2, image_size = new { width = 40, height = 24 } });
        await fixture.WaitCompletedAsync(submitted);
        var output = await Http.GetFromJsonAsync<JsonElement>(submitted.GetProperty("response_url").GetString());

        var image = output.GetProperty("images").EnumerateArray().Single();
        image.GetProperty("width").GetInt32().Should().Be(40);
        image.GetProperty("height").GetInt32().Should().Be(24);
        image.GetProperty("content_type").GetString().Should().Be("image/png");
        output.GetProperty("has_nsfw_concepts").EnumerateArray().Should().ContainSingle().Which.GetBoolean().Should().BeFalse();
        output.GetProperty("prompt").GetString().Should().Be("a lighthouse");
        output.GetProperty("timings").GetProperty("inference").GetDouble().Should().BeApproximately(0.08, 1e-9);

        using var anonymous = new HttpClient();
        using var file = await anonymous.GetAsync(image.GetProperty("url").GetString());
        file.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        AssertValidPng(await file.Content.ReadAsByteArrayAsync(), 40, 24);
    }

    [Fact]
    public async Task FastSdxlWithoutPrompt_FailsWithA422FieldError()
    {
        var submitted = await fixture.SubmitAsync("fal-ai/fast-sdxl/image-to-image", new { num_inference_steps = 2, image_url = "https://example.com/cat.png" });
        await fixture.WaitCompletedAsync(submitted);

        using var result = await Http.GetAsync(submitted.GetProperty("response_url").GetString());

        result.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var error = (await result.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").EnumerateArray().Single();
        error.GetProperty("loc").EnumerateArray().Select(e => e.GetString()).Should().Equal("body", "prompt");
        error.GetProperty("msg").GetString().Should().Be("field required");
        error.GetProperty("type").GetString().Should().Be("value_error.missing");
    }

    [Fact]
    public async Task AnyLlmStream_SendsGrowingPartialsThenTheFinalOutput()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Emulator.RunUrl, "fal-ai/any-llm/stream")) { Content = JsonContent.Create(new { prompt = "hi" }) };
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        var events = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        events.Count.Should().BeGreaterThan(2);
        events[..^1].Should().OnlyContain(e => e.GetProperty("partial").GetBoolean());
        events[^1].GetProperty("partial").GetBoolean().Should().BeFalse();
        events.Select(e => e.GetProperty("output").GetString()!.Length).Should().BeInAscendingOrder();
        events[^1].GetProperty("output").GetString().Should().Contain("hi");
    }

    [Fact]
    public async Task AnyLlmRun_AnswersTheOutputDirectly()
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Emulator.RunUrl, "fal-ai/any-llm"), new { prompt = "hello", model = "meta-llama/llama-3.1-8b-instruct" });

        var output = await response.Content.ReadFromJsonAsync<JsonElement>();
        output.GetProperty("partial").GetBoolean().Should().BeFalse();
        output.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        output.GetProperty("output").GetString().Should().Contain("meta-llama/llama-3.1-8b-instruct");
    }

    [Fact]
    public async Task UploadRoundTrip_GoesThroughTheRestAndCdnPaths()
    {
        using var initiate = await Http.PostAsJsonAsync(new Uri(Emulator.RestUrl, "storage/upload/initiate?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "note.txt" });
        var urls = await initiate.Content.ReadFromJsonAsync<JsonElement>();

        using var anonymous = new HttpClient();
        using var put = await anonymous.PutAsync(urls.GetProperty("upload_url").GetString(), new StringContent("round trip", Encoding.UTF8, "text/plain"));
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        using var get = await anonymous.GetAsync(urls.GetProperty("file_url").GetString());

        (await get.Content.ReadAsStringAsync()).Should().Be("round trip");
        get.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        urls.GetProperty("file_url").GetString().Should().StartWith(Emulator.BaseUrl.AbsoluteUri);
    }

    private static void AssertValidPng(byte[] png, int width, int height)
    {
        png.AsSpan(0, 8).ToArray().Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        var chunks = new List<(string Type, byte[] Data)>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            crc.Should().Be(Crc(png.AsSpan(offset + 4, 4 + length)), $"the CRC of {type}");
            chunks.Add((type, data));
            offset += 12 + length;
        }

        chunks.Select(c => c.Type).Should().Equal("IHDR", "IDAT", "IEND");
        var header = chunks[0].Data;
        BinaryPrimitives.ReadInt32BigEndian(header).Should().Be(width);
        BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)).Should().Be(height);
        header[8..].Should().Equal(8, 2, 0, 0, 0);

        using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        raw.Length.Should().Be(height * (1 + (width * 3)));
    }

    // An independent bitwise CRC-32, so the test does not trust the encoder's table.
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
