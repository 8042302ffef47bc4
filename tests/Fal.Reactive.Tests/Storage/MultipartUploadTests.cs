using System.Net;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

public class MultipartUploadTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(100);

    private static bool IsPart(HttpRequestMessage r, int partNumber) =>
        r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/multipart/" + r.RequestUri.Segments[^2].TrimEnd('/') + "/" + partNumber, StringComparison.Ordinal);

    private static bool IsComplete(HttpRequestMessage r) => r.RequestUri!.AbsolutePath.EndsWith("/complete", StringComparison.Ordinal);

    [Fact]
    public async Task UploadAboveTheThreshold_GoesInParallelParts_NoMoreInFlightThanAllowed_AndStoresEveryByte()
    {
        // 88 KiB in 16 KiB parts: 6 parts, 3 at a time; each answer takes a second of virtual time.
        using var h = new StorageHarness(latency: TimeSpan.FromSeconds(1), maxConcurrentParts: 3);
        var data = StorageHarness.Bytes(88 * 1024);

        var url = await h.RunAsync(h.Storage.UploadAsync(new MemoryStream(data)), s_step);

        h.Tap.MaxPartsInFlight.Should().Be(3);
        var file = h.File(url);
        file.Content.ToArray().Should().Equal(data);
        file.PartCount.Should().Be(6);
        h.Kinds().Should().StartWith([FalCallKind.StorageToken, FalCallKind.CdnMultipartCreate]).And.EndWith(FalCallKind.MultipartComplete);
        h.Kinds().Count(k => k == FalCallKind.MultipartPart).Should().Be(6);
        h.Tap.Sent.Where(s => s.Method == HttpMethod.Put).Should().OnlyContain(s => s.Authorization == "Bearer " + h.Tap.IssuedTokens.Single());
    }

    [Fact]
    public async Task FailedPart_IsSentAgain_AndTheUploadSucceeds()
    {
        using var h = new StorageHarness();
        var failures = 0;
        h.Tap.Answer = r => IsPart(r, 2) && failures++ == 0 ? StorageHarness.Status(HttpStatusCode.ServiceUnavailable) : null;
        var data = StorageHarness.Bytes(70 * 1024);

        var url = await Pump(h, h.Storage.UploadAsync(new MemoryStream(data)));

        h.Tap.Sent.Count(s => s.Method == HttpMethod.Put && s.Url.AbsolutePath.EndsWith("/2", StringComparison.Ordinal)).Should().Be(2);
        h.File(url).Content.ToArray().Should().Equal(data);
    }

    [Fact]
    public async Task PartFailingEveryRetry_FailsTheUpload_NeverCompletesIt_AndStoresNothing()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => IsPart(r, 3) ? StorageHarness.Status(HttpStatusCode.ServiceUnavailable) : null;

        var act = () => Pump(h, h.Storage.UploadAsync(new MemoryStream(StorageHarness.Bytes(90 * 1024))));

        (await act.Should().ThrowAsync<FalUploadException>()).Which.Message.Should().StartWith("Part 3 ");
        h.Tap.Sent.Count(s => s.Method == HttpMethod.Put && s.Url.AbsolutePath.EndsWith("/3", StringComparison.Ordinal)).Should().Be(3, "one try and two retries");
        h.Kinds().Should().NotContain(FalCallKind.MultipartComplete);
        h.Simulator.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task CompletionRefused_IsNotReportedAsASuccess()
    {
        using var h = new StorageHarness();
        h.Tap.Answer = r => IsComplete(r) ? StorageHarness.Status(HttpStatusCode.BadRequest) : null;

        var act = () => h.Storage.UploadAsync(new MemoryStream(StorageHarness.Bytes(80 * 1024)));

        (await act.Should().ThrowAsync<FalUploadException>()).Which.Message.Should().Contain("did not complete");
        h.Simulator.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task StreamOfUnknownLength_LongerThanAPart_GoesInParts_ReadingOnePartAtATime()
    {
        using var h = new StorageHarness(maxConcurrentParts: 1);
        var data = StorageHarness.Bytes(40 * 1024);

        var url = await h.Storage.UploadAsync(new OneWayStream(data), new FalUploadOptions { FileName = "audio.wav" });

        var file = h.File(url);
        file.PartCount.Should().Be(3);
        file.Content.ToArray().Should().Equal(data);
        file.ContentType.Should().Be("audio/wav");
    }

    [Fact]
    public async Task StreamEndingEarlyDuringAMultipartUpload_FailsAndNeverCompletes()
    {
        using var h = new StorageHarness();

        var act = () => h.Storage.UploadAsync(new OneWayStream(StorageHarness.Bytes(50 * 1024)), new FalUploadOptions { ContentLength = 100 * 1024 });

        await act.Should().ThrowAsync<FalUploadException>().WithMessage("*ended after 51200 bytes*");
        h.Kinds().Should().NotContain(FalCallKind.MultipartComplete);
    }

    [Fact]
    public async Task WithoutTheCdnToken_LargeUploads_UseTheJsClientsSignedMultipart_WithoutAnyCredential()
    {
        using var h = new StorageHarness(useCdnToken: false);
        var data = StorageHarness.Bytes(70 * 1024);

        var url = await h.Storage.UploadAsync(new MemoryStream(data));

        h.Kinds().Should().StartWith(FalCallKind.MultipartInitiate).And.EndWith(FalCallKind.MultipartComplete);
        h.Tap.Sent.Skip(1).Should().OnlyContain(s => s.Authorization == null);
        h.File(url).Content.ToArray().Should().Equal(data);
    }

    // Advances virtual time in small steps until the upload ends: the retry back-off waits on the scheduler, while
    // the other calls' attempt timers (60 s) must not fire, as they would under AdvancingScheduler's jumps.
    private static async Task<T> Pump<T>(StorageHarness h, Task<T> task)
    {
        for (var step = 0; step < 600 && !task.IsCompleted; step++)
        {
            h.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100).Ticks);
        }

        return await task;
    }
}
