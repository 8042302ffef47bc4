using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

public class InputFilesTests : IDisposable
{
    private const string App = "emulator/echo";
    private readonly string _dir = Directory.CreateTempSubdirectory("fal-input-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static StorageHarness Harness()
    {
        var h = new StorageHarness();
        h.Simulator.MapApp(App, call => FalAppScript.Succeed(call.Input, TimeSpan.FromSeconds(1)));
        return h;
    }

    private static byte[] Served(StorageHarness h, JsonElement url) => h.File(new Uri(url.GetString()!)).Content.ToArray();

    [Fact]
    public async Task FilesStreamsAndBytesInAnAnonymousObject_AreUploadedFirst_AndSentAsTheirUrls()
    {
        using var h = Harness();
        var path = Path.Combine(_dir, "photo.jpg");
        await File.WriteAllBytesAsync(path, [9, 8, 7]);
        var input = new { image = new FileInfo(path), mask = new byte[] { 1, 2 }, layers = new[] { new { audio = (Stream)new MemoryStream([5, 5]) } }, prompt = "p" };

        await h.Client.SubmitAsync(App, input);

        var sent = h.Simulator.Requests.Single().Input;
        sent.GetProperty("prompt").GetString().Should().Be("p");
        Served(h, sent.GetProperty("image")).Should().Equal(9, 8, 7);
        h.File(new Uri(sent.GetProperty("image").GetString()!)).ContentType.Should().Be("image/jpeg");
        Served(h, sent.GetProperty("mask")).Should().Equal(1, 2);
        Served(h, sent.GetProperty("layers")[0].GetProperty("audio")).Should().Equal(5, 5);
        h.Kinds()[^1].Should().Be(FalCallKind.Submit);
    }

    [Fact]
    public async Task JsonNodeInput_WithAByteArrayValue_IsUploaded_AndItsStringsStayStrings()
    {
        using var h = Harness();
        var input = new JsonObject { ["data"] = JsonValue.Create(new byte[] { 4, 2 }), ["text"] = JsonNode.Parse("\"abcd\"") };

        await h.Client.SubmitAsync(App, input);

        var sent = h.Simulator.Requests.Single().Input;
        Served(h, sent.GetProperty("data")).Should().Equal(4, 2);
        sent.GetProperty("text").GetString().Should().Be("abcd");
        h.Simulator.Files.Should().ContainSingle();
    }

    [Fact]
    public void InputWithAMissingFile_ThrowsAtTheCall_AndNothingIsSent()
    {
        using var h = Harness();

        var act = () => h.Client.Submit(App, new { image = new FileInfo(Path.Combine(_dir, "nope.png")) });

        act.Should().Throw<FileNotFoundException>();
        h.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task InputWithoutFiles_MakesNoStorageCall()
    {
        using var h = Harness();

        await h.Client.SubmitAsync(App, new { prompt = "p", n = 2 });

        h.Kinds().Should().Equal(FalCallKind.Submit);
    }

    [Fact]
    public async Task ResubscribedSubmit_WithAStreamInItsInput_UploadsItOnce_AndSendsTheSameUrl()
    {
        using var h = Harness();
        var statuses = h.Client.Submit(App, new { audio = (Stream)new MemoryStream([1, 2, 3]) }, new FalSubmitOptions { PollInterval = TimeSpan.FromSeconds(1) });

        var first = statuses.Take(1).ToTask();
        var second = statuses.Take(1).ToTask();
        await first;
        await second;
        h.Scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        h.Simulator.Files.Should().ContainSingle();
        var urls = h.Simulator.Requests.Select(r => r.Input.GetProperty("audio").GetString()).ToList();
        urls.Should().HaveCount(2).And.OnlyContain(u => u == urls[0]);
    }
}
