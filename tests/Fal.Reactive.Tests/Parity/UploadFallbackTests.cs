using System.Net;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Storage;

namespace Fal.Reactive.Tests.Parity;

/// <summary>
/// fal_client's upload chain (<c>_try_upload_with_fallback</c>: <c>fal_v3</c>, then <c>fal</c>, the signed URL): any failure
/// of the CDN attempt falls back, and the CDN POST itself goes through <c>_maybe_retry_request</c>. Ours does both when
/// the bytes can be read again (bytes, files); a caller's stream is read once, so its CDN failure is reported.
/// </summary>
public class UploadFallbackTests
{
    private static bool IsCdnUpload(HttpRequestMessage r) =>
        r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/files/upload", StringComparison.Ordinal);

    [Fact]
    public async Task Bytes_CdnPostAnswered500_FallBackToTheSignedUrl_AsFalClientsFallbackChain()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => IsCdnUpload(r) ? StorageHarness.Status(HttpStatusCode.InternalServerError) : null;
        var data = StorageHarness.Bytes(2000);

        var url = await h.Storage.UploadAsync(FalUploadContent.FromBytes(data, "application/octet-stream"));

        h.Tap.Sent.Count(s => s.Method == HttpMethod.Post && s.Url.AbsolutePath.EndsWith("/files/upload", StringComparison.Ordinal)).Should().Be(1, "a 500 is not retried");
        h.Kinds().Should().EndWith([FalCallKind.UploadInitiate, FalCallKind.UploadPut]);
        h.File(url).Content.ToArray().Should().Equal(data);
    }

    [Fact]
    public async Task File_CdnPostUnreachable_FallsBackToTheSignedUrl_WithTheWholeFile()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => IsCdnUpload(r) ? throw new HttpRequestException("connection reset") : null;
        var data = StorageHarness.Bytes(3000);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, data);

            var task = h.Storage.UploadAsync(new FileInfo(path));
            var url = await h.RunAsync(task, TimeSpan.FromSeconds(1));

            h.Kinds().Should().EndWith([FalCallKind.UploadInitiate, FalCallKind.UploadPut]);
            h.File(url).Content.ToArray().Should().Equal(data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bytes_CdnPostAnsweredIngress503_IsRetried_AsFalClientRetriesItsCdnPost()
    {
        using var h = new StorageHarness();
        var failed = 0;
        h.Tap.Answer = r => IsCdnUpload(r) && failed++ == 0 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html>nginx</html>") } : null;
        var data = StorageHarness.Bytes(2000);

        var url = await h.RunAsync(h.Storage.UploadAsync(FalUploadContent.FromBytes(data, "application/octet-stream")), TimeSpan.FromSeconds(1));

        h.Kinds().Should().Contain(FalCallKind.CdnUpload).And.NotContain(FalCallKind.UploadInitiate);
        h.File(url).Content.ToArray().Should().Equal(data);
    }

    [Fact]
    public async Task OneShotStream_CdnPostFailed_IsReported_NeitherRetriedNorFallenBack()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => IsCdnUpload(r) ? StorageHarness.Status(HttpStatusCode.ServiceUnavailable) : null;

        var upload = () => h.Storage.UploadAsync(new MemoryStream(StorageHarness.Bytes(2000)));

        (await upload.Should().ThrowAsync<FalHttpException>()).Which.StatusCode.Should().Be(503);
        h.Tap.Sent.Count(s => s.Url.AbsolutePath.EndsWith("/files/upload", StringComparison.Ordinal)).Should().Be(1);
        h.Kinds().Should().NotContain(FalCallKind.UploadInitiate);
    }
}
