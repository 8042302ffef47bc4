using System.Net;
using System.Reactive.Linq;
using System.Text;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

public class StorageUploadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fal-storage-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task UploadStream_GetsACdnTokenWithTheKey_ThenSendsTheBytesToTheCdnWithTheToken()
    {
        using var h = new StorageHarness();
        var data = StorageHarness.Bytes(5000);

        var url = await h.Storage.UploadAsync(new MemoryStream(data), new FalUploadOptions { FileName = "notes.txt" });

        h.Kinds().Should().Equal(FalCallKind.StorageToken, FalCallKind.CdnUpload);
        h.Tap.Sent[0].Url.Should().Be(new Uri("https://rest.fal.ai/storage/auth/token?storage_type=fal-cdn-v3"));
        h.Tap.Sent[0].Authorization.Should().Be("Key " + StorageHarness.Key);
        h.Tap.Sent[1].Url.Should().Be(new Uri("https://v3.fal.media/files/upload"));
        h.Tap.Sent[1].Authorization.Should().Be("Bearer " + h.Tap.IssuedTokens[0]);
        h.Tap.Sent[1].Headers["X-Fal-File-Name"].Should().Be("notes.txt");
        var file = h.File(url);
        file.Content.ToArray().Should().Equal(data);
        file.ContentType.Should().Be("text/plain");
    }

    [Fact]
    public async Task UploadFileInfo_NamesTheFileAndGuessesItsTypeFromTheExtension()
    {
        using var h = new StorageHarness();
        var path = Path.Combine(_dir, "cat.png");
        await File.WriteAllBytesAsync(path, StorageHarness.Bytes(3000));

        var url = await h.Storage.UploadAsync(new FileInfo(path));

        var file = h.File(url);
        file.FileName.Should().Be("cat.png");
        file.ContentType.Should().Be("image/png");
        file.Content.ToArray().Should().Equal(StorageHarness.Bytes(3000));
    }

    [Fact]
    public void UploadMissingFile_ThrowsAtTheCall_BeforeAnythingIsSent()
    {
        using var h = new StorageHarness();
        var missing = new FileInfo(Path.Combine(_dir, "missing.png"));

        Action act = () => _ = h.Storage.UploadAsync(missing);

        act.Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("missing.png");
        h.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task UploadStreamEndingBeforeItsDeclaredLength_FailsWithAnUploadError_AndStoresNothing()
    {
        using var h = new StorageHarness();

        var act = () => h.Storage.UploadAsync(new OneWayStream(StorageHarness.Bytes(1000)), new FalUploadOptions { ContentLength = 2000 });

        (await act.Should().ThrowAsync<FalUploadException>()).Which.Message.Should().Contain("ended after 1000 bytes").And.Contain("2000");
        h.Simulator.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task Token_IsReusedByLaterUploads_AndFetchedAgainBeforeItExpires()
    {
        using var h = new StorageHarness(tokenLifetime: TimeSpan.FromHours(1));

        await h.Storage.UploadAsync(FalUploadContent.FromBytes([1], "application/octet-stream"));
        await h.Storage.UploadAsync(FalUploadContent.FromBytes([2], "application/octet-stream"));
        h.Scheduler.AdvanceBy(TimeSpan.FromMinutes(54).Ticks);
        await h.Storage.UploadAsync(FalUploadContent.FromBytes([3], "application/octet-stream"));
        h.Simulator.Calls.Count(c => c.Kind == FalCallKind.StorageToken).Should().Be(1);

        // Five minutes before expiry (a tenth of the hour, at most five minutes), the next upload fetches a new token.
        h.Scheduler.AdvanceBy(TimeSpan.FromMinutes(2).Ticks);
        await h.Storage.UploadAsync(FalUploadContent.FromBytes([4], "application/octet-stream"));

        h.Simulator.Calls.Count(c => c.Kind == FalCallKind.StorageToken).Should().Be(2);
        h.Tap.Sent[^1].Authorization.Should().Be("Bearer " + h.Tap.IssuedTokens[1]);
    }

    [Fact]
    public async Task TokenRefused_FallsBackToTheSignedUrlFlow_AndTheBytesGoWithoutTheKey()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => r.RequestUri!.AbsolutePath.EndsWith("/storage/auth/token", StringComparison.Ordinal) ? StorageHarness.Status(HttpStatusCode.NotFound) : null;
        var data = StorageHarness.Bytes(2000);

        var url = await h.Storage.UploadAsync(new MemoryStream(data));

        h.Kinds().Should().Equal(FalCallKind.UploadInitiate, FalCallKind.UploadPut);
        h.Tap.Sent[^1].Method.Should().Be(HttpMethod.Put);
        h.Tap.Sent[^1].Authorization.Should().BeNull();
        h.File(url).Content.ToArray().Should().Equal(data);
    }

    [Fact]
    public async Task TokenNamingAForeignHost_IsNeverSentThere_TheUploadUsesSignedUrls()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => r.RequestUri!.AbsolutePath.EndsWith("/storage/auth/token", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"token":"t0k","token_type":"Bearer","base_url":"https://cdn.attacker.example","expires_at":"2100-01-01T00:00:00Z"}""", Encoding.UTF8, "application/json"),
            }
            : null;

        var url = await h.Storage.UploadAsync(new MemoryStream([1, 2, 3]));

        h.Tap.Sent.Should().NotContain(s => s.Url.Host == "cdn.attacker.example");
        h.Tap.Sent.Should().NotContain(s => s.Authorization != null && s.Authorization.Contains("t0k"));
        h.Kinds().Should().EndWith([FalCallKind.UploadInitiate, FalCallKind.UploadPut]);
        h.File(url).Content.ToArray().Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task UploadObservable_ReportsGrowingProgress_ThenTheUrl_ToTheObserverAndToIProgress()
    {
        using var h = new StorageHarness();
        var data = StorageHarness.Bytes(200 * 1024);
        var reported = new List<FalUploadProgress>();
        var progress = new SynchronousProgress(reported.Add);

        var reports = await h.Storage.Upload(new MemoryStream(data), new FalUploadOptions { Progress = progress }).ToList();

        reports.Should().HaveCountGreaterThan(2);
        reports.Select(r => r.BytesUploaded).Should().BeInAscendingOrder();
        reports.Should().OnlyContain(r => r.TotalBytes == data.Length);
        reports.Take(reports.Count - 1).Should().OnlyContain(r => r.Url == null);
        reports[^1].Url.Should().NotBeNull();
        reports[^1].Fraction.Should().Be(1.0);
        h.File(reports[^1].Url!).Content.Length.Should().Be(data.Length);
        reported.Should().Equal(reports);
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> posts to a context, which a test cannot wait for).</summary>
    private sealed class SynchronousProgress(Action<FalUploadProgress> report) : IProgress<FalUploadProgress>
    {
        public void Report(FalUploadProgress value) => report(value);
    }
}
