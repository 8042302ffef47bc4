using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Storage;

/// <summary>Storage hardening: one-time signed upload URLs, unguessable file URLs, retention by count, bytes and age.</summary>
public class SimulatorStorageTests
{
    private static readonly Uri s_initiate = new("https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3");

    private static async Task<(string UploadUrl, string FileUrl)> InitiateAsync(SimulatorHarness h)
    {
        var (code, body) = await h.SendAsync(HttpMethod.Post, s_initiate, new { content_type = "text/plain", file_name = "a.txt" });
        code.Should().Be(200);
        return (body.GetProperty("upload_url").GetString()!, body.GetProperty("file_url").GetString()!);
    }

    private static async Task<int> PutAsync(SimulatorHarness h, string url, string text)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(text) };
        put.Headers.Authorization = null;
        using var response = await h.Http.SendAsync(put);
        return (int)response.StatusCode;
    }

    private static async Task<(int Status, string Body)> GetAsync(SimulatorHarness h, string url)
    {
        using var response = await h.Http.GetAsync(url);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UploadUrl_WithAnotherSignature_Is403AndLeavesTheSlotAlone()
    {
        using var h = new SimulatorHarness();
        var (uploadUrl, fileUrl) = await InitiateAsync(h);
        var forged = new UriBuilder(uploadUrl) { Query = "signature=" + new string('0', 32) }.Uri.AbsoluteUri;
        var unsigned = new UriBuilder(uploadUrl) { Query = string.Empty }.Uri.AbsoluteUri;

        (await PutAsync(h, forged, "evil")).Should().Be(403);
        (await PutAsync(h, unsigned, "evil")).Should().Be(403);
        (await GetAsync(h, fileUrl)).Status.Should().Be(404);
        (await PutAsync(h, uploadUrl, "mine")).Should().Be(200);
        (await GetAsync(h, fileUrl)).Body.Should().Be("mine");
    }

    [Fact]
    public async Task UploadUrl_IsGoodForOneUpload_SoAStoredFileCannotBeOverwritten()
    {
        using var h = new SimulatorHarness();
        var (uploadUrl, fileUrl) = await InitiateAsync(h);

        (await PutAsync(h, uploadUrl, "first")).Should().Be(200);
        (await PutAsync(h, uploadUrl, "second")).Should().Be(403);

        (await GetAsync(h, fileUrl)).Body.Should().Be("first");
    }

    [Fact]
    public async Task FileUrls_AreUnguessable_NotSequential()
    {
        using var h = new SimulatorHarness();
        var first = (await InitiateAsync(h)).FileUrl;
        var second = (await InitiateAsync(h)).FileUrl;

        var ids = new[] { first, second }.Select(u => new Uri(u).Segments[2].TrimEnd('/')).ToList();
        ids.Should().OnlyContain(id => id.Length == 32 && id.All(char.IsAsciiHexDigitLower));
        ids[0][..16].Should().NotBe(ids[1][..16], "random ids differ everywhere, not in a counter's last digits");
    }

    [Fact]
    public async Task FilesBeyondTheByteBound_DropOldestFirstAndFreeTheirBytes()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new() { MaxFileBytes = 10 } });
        var a = h.Simulator.AddFile("aaaaaa"u8.ToArray(), "text/plain", "a.txt");
        var b = h.Simulator.AddFile("bbbbbb"u8.ToArray(), "text/plain", "b.txt");

        h.Simulator.Files.Should().ContainSingle().Which.Url.Should().Be(b.Url);
        (await GetAsync(h, a.Url.AbsoluteUri)).Status.Should().Be(404);
        (await GetAsync(h, b.Url.AbsoluteUri)).Body.Should().Be("bbbbbb");
    }

    [Fact]
    public async Task UploadLargerThanTheByteBound_Is413AndStoresNothing()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new() { MaxFileBytes = 4 } });
        var (uploadUrl, fileUrl) = await InitiateAsync(h);

        (await PutAsync(h, uploadUrl, "too large")).Should().Be(413);

        (await GetAsync(h, fileUrl)).Status.Should().Be(404);
        h.Simulator.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task FilesBeyondTheCountOrOlderThanMaxAge_AreDropped()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new() { MaxFiles = 2, MaxAge = TimeSpan.FromMinutes(30) } });
        var files = Enumerable.Range(0, 3).Select(i => h.Simulator.AddFile(new[] { (byte)i }, "application/octet-stream", $"{i}.bin")).ToList();

        h.Simulator.Files.Select(f => f.Url).Should().Equal(files[1].Url, files[2].Url);

        h.Advance(TimeSpan.FromMinutes(31));
        h.Simulator.Files.Should().BeEmpty();
        (await GetAsync(h, files[2].Url.AbsoluteUri)).Status.Should().Be(404);
    }

    [Fact]
    public async Task UnusedUploadSlots_CountAgainstMaxFiles()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new() { MaxFiles = 1 } });
        var (oldUpload, _) = await InitiateAsync(h);
        await InitiateAsync(h);

        (await PutAsync(h, oldUpload, "late")).Should().Be(404);
    }

    [Fact]
    public async Task WithKeys_CdnUploadNeedsAnIssuedToken()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { AcceptedKeys = [SimulatorHarness.Key] });
        var (_, token) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/auth/token?storage_type=fal-cdn-v3"), new { });
        async Task<int> Upload(string bearer)
        {
            using var upload = new HttpRequestMessage(HttpMethod.Post, "https://v3.fal.media/files/upload") { Content = new StringContent("x") };
            upload.Headers.Authorization = new("Bearer", bearer);
            using var response = await h.Http.SendAsync(upload);
            return (int)response.StatusCode;
        }

        (await Upload("made-up-token")).Should().Be(401);
        (await Upload(token.GetProperty("token").GetString()!)).Should().Be(200);
        h.Simulator.Files.Should().HaveCount(1);
        h.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        (await Upload(token.GetProperty("token").GetString()!)).Should().Be(401, "the token expired");
    }

    [Fact]
    public async Task CdnUploadLargerThanTheByteBound_Is413()
    {
        using var h = new SimulatorHarness(new FalSimulatorOptions { Retention = new() { MaxFileBytes = 4 } });
        using var upload = new HttpRequestMessage(HttpMethod.Post, "https://v3.fal.media/files/upload") { Content = new StringContent("too large") };
        upload.Headers.Authorization = new("Bearer", "token");

        using var response = await h.Http.SendAsync(upload);

        ((int)response.StatusCode).Should().Be(413);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("4 bytes");
    }
}
