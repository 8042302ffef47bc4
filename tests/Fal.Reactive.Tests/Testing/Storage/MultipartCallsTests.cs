using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Storage;

public class MultipartCallsTests
{
    private static async Task<(SimulatorHarness H, string CompleteUrl, string FileUrl, string ETag1, string ETag2)> TwoPartsAsync()
    {
        var h = new SimulatorHarness();
        var (_, initiated) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "ab.txt" });
        // The upload URL is signed: parts and completion go under its path with its query, as the JS client sends them.
        var signed = new Uri(initiated.GetProperty("upload_url").GetString()!);
        var uploadUrl = signed.GetLeftPart(UriPartial.Path);
        var query = signed.Query;
        var etags = new List<string>();
        foreach (var (n, text) in new[] { (1, "aaa"), (2, "bb") })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"{uploadUrl}/{n}{query}") { Content = new StringContent(text) };
            using var response = await h.Http.SendAsync(put);
            var json = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
            json.GetProperty("partNumber").GetInt32().Should().Be(n);
            json.GetProperty("etag").GetString().Should().Be(response.Headers.ETag!.ToString());
            etags.Add(json.GetProperty("etag").GetString()!);
        }

        return (h, CompleteUrl(uploadUrl, query), initiated.GetProperty("file_url").GetString()!, etags[0], etags[1]);
    }

    [Fact]
    public async Task Complete_ServesThePartsInPartOrder_WhateverTheListOrder()
    {
        var (h, completeUrl, fileUrl, etag1, etag2) = await TwoPartsAsync();
        using var harness = h;

        var (status, _) = await h.SendAsync(HttpMethod.Post, new Uri(completeUrl), new { parts = new[] { new { partNumber = 2, etag = etag2 }, new { partNumber = 1, etag = etag1 } } });

        status.Should().Be(200);
        h.Simulator.TryGetFile(new Uri(fileUrl), out var file).Should().BeTrue();
        System.Text.Encoding.UTF8.GetString(file!.Content.Span).Should().Be("aaabb");
        file.PartCount.Should().Be(2);
    }

    [Fact]
    public async Task Complete_WithAWrongETag_Is400_AndStoresNothing()
    {
        var (h, completeUrl, fileUrl, etag1, _) = await TwoPartsAsync();
        using var harness = h;

        var (status, body) = await h.SendAsync(HttpMethod.Post, new Uri(completeUrl), new { parts = new[] { new { partNumber = 1, etag = etag1 }, new { partNumber = 2, etag = "\"wrong\"" } } });

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

    [Fact]
    public async Task Part_WithoutTheUploadUrlsSignature_Is403_AndStoresNoPart()
    {
        using var h = new SimulatorHarness();
        var (_, initiated) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "ab.txt" });
        var unsigned = new Uri(initiated.GetProperty("upload_url").GetString()!).GetLeftPart(UriPartial.Path);

        using var put = new HttpRequestMessage(HttpMethod.Put, $"{unsigned}/1") { Content = new StringContent("aaa") };
        using var response = await h.Http.SendAsync(put);

        ((int)response.StatusCode).Should().Be(403);
        var (status, _) = await h.SendAsync(HttpMethod.Post, new Uri($"{unsigned}/complete{new Uri(initiated.GetProperty("upload_url").GetString()!).Query}"), new { parts = new[] { new { partNumber = 1, etag = "\"x\"" } } });
        status.Should().Be(400, "no part was stored");
    }

    private static string CompleteUrl(string uploadUrl, string query) => $"{uploadUrl}/complete{query}";
}
