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

    [Fact]
    public async Task Complete_ListingAPartTwice_Is400_AndJoinsNothing()
    {
        var (h, completeUrl, fileUrl, etag1, etag2) = await TwoPartsAsync();
        using var harness = h;
        var listing = Enumerable.Repeat(new { partNumber = 1, etag = etag1 }, 20).Append(new { partNumber = 2, etag = etag2 }).ToArray();

        var (status, body) = await h.SendAsync(HttpMethod.Post, new Uri(completeUrl), new { parts = listing });

        status.Should().Be(400);
        body.GetProperty("detail").GetString().Should().Contain("Part 1 is listed more than once");
        h.Simulator.TryGetFile(new Uri(fileUrl), out _).Should().BeFalse();
    }

    [Fact]
    public async Task UnfinishedParts_CountAgainstTheStorageBound_AndAreDroppedPastIt()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new FalSimulatorRetention { MaxFileBytes = 1000 } });
        var (_, initiated) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "big.bin" });
        var signed = new Uri(initiated.GetProperty("upload_url").GetString()!);

        async Task<int> PutAsync(int n, int length)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"{signed.GetLeftPart(UriPartial.Path)}/{n}{signed.Query}") { Content = new ByteArrayContent(new byte[length]) };
            using var response = await h.Http.SendAsync(put);
            return (int)response.StatusCode;
        }

        (await PutAsync(1, 400)).Should().Be(200);
        (await PutAsync(2, 400)).Should().Be(200);
        h.Simulator.StoredBytes.Should().Be(800, "parts of an upload not yet completed hold memory as files do");
        (await PutAsync(2, 300)).Should().Be(200);
        h.Simulator.StoredBytes.Should().Be(700, "a part sent again replaces the first one");

        // Another upload takes the storage past its bound: the oldest slot, with its unfinished parts, is dropped.
        var (_, other) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3"), new { content_type = "text/plain", file_name = "other.bin" });
        var otherUrl = new Uri(other.GetProperty("upload_url").GetString()!);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{otherUrl.GetLeftPart(UriPartial.Path)}/1{otherUrl.Query}") { Content = new ByteArrayContent(new byte[600]) })
        using (var response = await h.Http.SendAsync(put))
        {
            ((int)response.StatusCode).Should().Be(200);
        }

        h.Simulator.StoredBytes.Should().BeLessThanOrEqualTo(1000);
        (await PutAsync(3, 10)).Should().Be(404, "the first upload was dropped to stay within the bound");
    }

    private static string CompleteUrl(string uploadUrl, string query) => $"{uploadUrl}/complete{query}";
}
