using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

/// <summary>Uploads over real HTTP against the emulator on Kestrel: the same protocol as the simulator, through sockets.</summary>
public sealed class StorageOverHttpTests(Emulator.EmulatorFixture fixture) : IClassFixture<Emulator.EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);
    private readonly FalEmulator _emulator = fixture.Emulator;
    private readonly FalClient _fal = new(Options(fixture.Emulator));
    private readonly HttpClient _plain = new();

    public void Dispose()
    {
        _fal.Dispose();
        _plain.Dispose();
    }

    private static FalClientOptions Options(FalEmulator emulator)
    {
        var options = emulator.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(20);
        options.Storage = new FalStorageOptions { MultipartThreshold = 1024 * 1024, PartSize = 256 * 1024, MaxConcurrentParts = 3 };
        return options;
    }

    [Fact]
    public async Task LargeFile_GoesInPartsOverHttp_AndTheEmulatorServesEveryByte()
    {
        var path = Path.GetTempFileName();
        try
        {
            var data = StorageHarness.Bytes((int)(2.5 * 1024 * 1024));
            await File.WriteAllBytesAsync(path, data);

            var url = await _fal.Storage.UploadAsync(new FileInfo(path)).WaitAsync(s_bound);

            (await _plain.GetByteArrayAsync(url)).Should().Equal(data);
            url.AbsoluteUri.Should().StartWith(_emulator.CdnUrl.AbsoluteUri);
            _emulator.Simulator.TryGetFile(url, out var file).Should().BeTrue();
            file!.PartCount.Should().Be(10);
            _emulator.Simulator.Calls.Select(c => c.Kind).Should().Contain(FalCallKind.CdnMultipartCreate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StreamUpload_WithALifecycle_GoesToTheCdnOnTheEmulatorOrigin_WhichListsIt()
    {
        var url = await _fal.Storage.UploadAsync(new MemoryStream([1, 2, 3, 4]), new FalUploadOptions { FileName = "four.bin", Lifecycle = FalObjectLifecycle.OneHour }).WaitAsync(s_bound);

        (await _plain.GetByteArrayAsync(url)).Should().Equal(1, 2, 3, 4);
        var files = await _plain.GetFromJsonAsync<JsonElement>(new Uri(_emulator.BaseUrl, "_emulator/files"));
        var listed = files.EnumerateArray().Single(f => f.GetProperty("url").GetString() == url.AbsoluteUri);
        listed.GetProperty("file_name").GetString().Should().Be("four.bin");
        listed.GetProperty("lifecycle").GetString().Should().Be("""{"expiration_duration_seconds":3600}""");
    }

    [Fact]
    public async Task SubmitWithABytesInput_TheAppReceivesAUrlThatServesThem()
    {
        var output = await _fal.SubscribeAsync("emulator/echo", new { blob = new byte[] { 7, 7, 7 }, label = "x" }).WaitAsync(s_bound);

        output.GetProperty("label").GetString().Should().Be("x");
        (await _plain.GetByteArrayAsync(output.GetProperty("blob").GetString())).Should().Equal(7, 7, 7);
    }
}
