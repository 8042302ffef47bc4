using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Storage;

public class MultipartCallsTests
{
    private static async Task<(SimulatorHarness H, string UploadUrl, string FileUrl, string ETag1, string ETag2)> TwoPartsAsync()
    {
        var h = new SimulatorHarness();
        var (_, initiated) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "ab.txt" });
        var uploadUrl = initiated.GetProperty("upload_url").GetString()!;
        var etags = new List<string>();
        foreach (var (n, text) in new[] { (1, "aaa"), (2, "bb") })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"{uploadUrl}/{n}") { Content = new StringContent(text) };
            using var response = await h.Http.SendAsync(put);
            var json = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
            json.GetProperty("partNumber").GetInt32().Should().Be(n);
            json.GetProperty("etag").GetString().Should().Be(response.Headers.ETag!.ToString());
            etags.Add(json.GetProperty("etag").GetString()!);
        }

        return (h, uploadUrl, initiated.GetProperty("file_url").GetString()!, etags[0], etags[1]);
    }

    [Fact]
    public async Task Complete_ServesThePartsInPartOrder_WhateverTheListOrder()
    {
        var (h, uploadUrl, fileUrl, etag1, etag2) = await TwoPartsAsync();
        using var harness = h;

        var (status, _) = await h.SendAsync(HttpMethod.Post, new Uri(uploadUrl + "/complete"), new { parts = new[] { new { partNumber = 2, etag = etag2 }, new { partNumber = 1, etag = etag1 } } });

        status.Should().Be(200);
        h.Simulator.TryGetFile(new Uri(fileUrl), out var file).Should().BeTrue();
        System.Text.Encoding.UTF8.GetString(file!.Content.Span).Should().Be("aaabb");
        file.PartCount.Should().Be(2);
    }

    [Fact]
    public async Task Complete_WithAWrongETag_Is400_AndStoresNothing()
    {
        var (h, uploadUrl, fileUrl, etag1, _) = await TwoPartsAsync();
        using var harness = h;

        var (status, body) = await h.SendAsync(HttpMethod.Post, new Uri(uploadUrl + "/complete"), new { parts = new[] { new { partNumber = 1, etag = etag1 }, new { partNumber = 2, etag = "\"wrong\"" } } });

        status.Should().Be(400);
        body.GetProperty("detail").GetString().Should().Contain("Part 2");
        h.Simulator.TryGetFile(new Uri(fileUrl), out _).Should().BeFalse();
    }

    [Fact]
    public async Task CdnMultipartCreate_WithoutAToken_Is401()
    {
        using var h = new SimulatorHarness();
        using var anonymous = new HttpClient(h.Simulator.CreateHandler());

        using var response = await anonymous.PostAsync(new Uri("https://v3.fal.media/files/upload/multipart"), new ByteArrayContent([]));

        ((int)response.StatusCode).Should().Be(401);
        h.Simulator.Calls.Single().Kind.Should().Be(FalCallKind.CdnMultipartCreate);
    }
}
