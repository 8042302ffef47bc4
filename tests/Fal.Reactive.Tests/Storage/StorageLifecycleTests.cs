using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

public class StorageLifecycleTests
{
    [Fact]
    public async Task UploadWithALifecycle_SendsItWithTheBytes_AndTheFileIsGoneWhenItEnds()
    {
        using var h = new StorageHarness();
        using var anonymous = new HttpClient(h.Simulator.CreateHandler());

        var url = await h.Storage.UploadAsync(new MemoryStream([1, 2, 3]), new FalUploadOptions { Lifecycle = FalObjectLifecycle.OneHour });

        h.Tap.Sent[^1].Headers["X-Fal-Object-Lifecycle-Preference"].Should().Be("""{"expiration_duration_seconds":3600}""");
        h.File(url).ExpiresAt.Should().Be(h.Scheduler.Now + TimeSpan.FromHours(1));
        (await anonymous.GetAsync(url)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        h.Scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);
        (await anonymous.GetAsync(url)).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MultipartUploadWithALifecycle_CarriesItOnTheCreateCall()
    {
        using var h = new StorageHarness();

        var url = await h.Storage.UploadAsync(new MemoryStream(StorageHarness.Bytes(70 * 1024)), new FalUploadOptions { Lifecycle = FalObjectLifecycle.ExpiresAfter(TimeSpan.FromSeconds(90)) });

        h.File(url).Lifecycle.Should().Be("""{"expiration_duration_seconds":90}""");
        h.File(url).PartCount.Should().Be(5);
    }

    [Fact]
    public async Task SubmitWithAStorageLifecycle_SendsThePreferenceHeader()
    {
        using var h = new StorageHarness();
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)));

        await h.Client.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "x" }, new FalEnqueueOptions { StorageLifecycle = FalObjectLifecycle.OneDay });

        h.Simulator.Requests.Single().ObjectLifecycle.Should().Be("""{"expiration_duration_seconds":86400}""");
    }

    [Fact]
    public async Task StreamWithAStorageLifecycle_SendsThePreferenceHeader()
    {
        using var h = new StorageHarness();
        h.Simulator.MapApp("fal-ai/any-llm", FalAppScript.Succeed(new { output = "x" }, TimeSpan.Zero));

        var run = h.Client.Stream("fal-ai/any-llm", new { prompt = "x" }, new FalStreamOptions { StorageLifecycle = FalObjectLifecycle.SevenDays }).ToList().ToTask();
        h.Scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        await run;

        h.Simulator.Requests.Single().ObjectLifecycle.Should().Be("""{"expiration_duration_seconds":604800}""");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(1.5)]
    public void ExpiresAfter_RejectsLessThanASecondOrPartSeconds(double seconds)
    {
        var act = () => FalObjectLifecycle.ExpiresAfter(TimeSpan.FromSeconds(seconds));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
