using System.Net.Http.Json;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Emulator;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// FalClient against the emulator over real HTTP on 127.0.0.1: the scenarios the official JavaScript client
/// runs in tests/conformance, on the same emulator. Real time, short runs, every wait bounded; behaviour is
/// asserted, never timing.
/// </summary>
public sealed class ClientOverHttpTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly FalClient _fal = new(Options(fixture));

    private static FalClientOptions Options(EmulatorFixture fixture)
    {
        var options = fixture.Emulator.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(20);
        options.Retry = new FalRetryOptions { Delay = TimeSpan.FromMilliseconds(20) };
        return options;
    }

    public void Dispose() => _fal.Dispose();

    private static Task<IList<FalStatus>> All(IObservable<FalStatus> statuses) =>
        statuses.Timeout(s_bound).ToList().ToTask();

    [Fact]
    public async Task Submit_FastSdxlWithLogs_CompletesWithRealPngs()
    {
        var statuses = await All(_fal.Submit("fal-ai/fast-sdxl", new { prompt = "a lighthouse", num_inference_steps = 10 },
            new FalSubmitOptions { WithLogs = true }));

        statuses.OfType<InProgress>().Should().Contain(p => p.Logs!.Count > 0);
        var completed = statuses[^1].Should().BeOfType<Completed>().Subject;
        completed.Logs.Should().NotBeEmpty();
        completed.Metrics.InferenceTime.Should().BePositive();
        var image = completed.Result!.Value.GetProperty("images")[0];
        image.GetProperty("content_type").GetString().Should().Be("image/png");

        // The file URL is on the emulator's CDN path: fetched without the key, as any browser would.
        using var plain = new HttpClient();
        var png = await plain.GetByteArrayAsync(new Uri(image.GetProperty("url").GetString()!));
        png.Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
    }

    [Theory]
    [InlineData(FalStatusMode.Polling)]
    [InlineData(FalStatusMode.Streaming)]
    public async Task Submit_ALongRunWhoseLogsPassTheStatusBound_Completes_KeepingTheNewestLines(FalStatusMode mode)
    {
        // 300 lines (about 27 KB as fal's cumulative answer) against a 16 KiB bound: kept, the newest 50.
        var options = Options(fixture);
        options.MaxStatusBytes = 16 * 1024;
        options.MaxLogLines = 50;
        using var fal = new FalClient(options);

        var statuses = await All(fal.Submit("emulator/slow", new { run_seconds = 3, logs_per_second = 100 },
            new FalSubmitOptions { WithLogs = true, StatusMode = mode }));

        var completed = statuses[^1].Should().BeOfType<Completed>().Subject;
        completed.Logs!.Select(l => l.Message).Should().Equal(Enumerable.Range(251, 50).Select(i => $"log {i}/300"));
        completed.OmittedLogCount.Should().Be(250);
        statuses.OfType<InProgress>().Should().OnlyContain(p => p.Logs!.Count <= 50);
    }

    [Fact]
    public async Task Submit_StreamingStatusMode_CompletesWithCumulativeLogs()
    {
        var statuses = await All(_fal.Submit("emulator/slow", new { run_seconds = 0.5, logs_per_second = 10 },
            new FalSubmitOptions { WithLogs = true, StatusMode = FalStatusMode.Streaming }));

        var completed = statuses[^1].Should().BeOfType<Completed>().Subject;
        completed.Logs!.Select(l => l.Message).Should().OnlyHaveUniqueItems().And.HaveCountGreaterThan(2);
        statuses.OfType<InProgress>().Select(p => p.Logs!.Count).Should().BeInAscendingOrder();
        var calls = fixture.Emulator.Simulator.Calls.Where(c => c.RequestId == completed.RequestId).ToList();
        calls.Should().ContainSingle(c => c.Kind == Fal.Reactive.Testing.FalCallKind.StatusStream);
        calls.Should().NotContain(c => c.Kind == Fal.Reactive.Testing.FalCallKind.Status);
    }

    [Fact]
    public async Task Timeout_OnAStalledRequest_CancelsItOnTheEmulator()
    {
        var request = _fal.Submit("emulator/slow", new { queue_seconds = 30, run_seconds = 1 });
        string? id = null;

        var act = () => request.Do(s => id = s.RequestId).Timeout(TimeSpan.FromSeconds(3)).ToTask();

        await act.Should().ThrowAsync<TimeoutException>();
        id.Should().NotBeNull();
        await fixture.WaitStateAsync(id!, "cancelled");
    }

    [Fact]
    public async Task MissingPrompt_Is422WithAFieldError()
    {
        var act = () => All(_fal.Submit("fal-ai/fast-sdxl", new { num_inference_steps = 2 }));

        var e = (await act.Should().ThrowAsync<FalHttpException>()).Which;
        e.StatusCode.Should().Be(422);
        e.ValidationErrors.Should().ContainSingle(v => v.Field == "prompt");
        e.RequestId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task StartTimeout_InTheQueue_IsAUserTimeout()
    {
        var act = () => All(_fal.Submit("emulator/slow", new { queue_seconds = 10, run_seconds = 0.1 },
            new FalSubmitOptions { StartTimeout = TimeSpan.FromSeconds(1.5) }));

        var e = (await act.Should().ThrowAsync<FalHttpException>()).Which;
        e.StatusCode.Should().Be(504);
        e.IsUserTimeout.Should().BeTrue();
    }

    [Fact]
    public async Task HandleApiAsyncAndSync_WorkOverRealHttp()
    {
        var handle = await _fal.SubmitAsync("emulator/echo", new { hello = "world", run_seconds = 0.2 });

        (await handle.StatusAsync()).Should().BeAssignableTo<FalStatus>().Which.RequestId.Should().Be(handle.RequestId);
        var output = await handle.GetAsync().WaitAsync(s_bound);
        output.GetProperty("hello").GetString().Should().Be("world");

        var resumed = _fal.GetHandle("emulator/echo", handle.RequestId);
        resumed.Get().GetProperty("hello").GetString().Should().Be("world");   // sync: HttpClient.Send
        resumed.Status().Should().BeOfType<Completed>();
        resumed.Cancel();                                                      // already completed: fine
    }

    [Fact]
    public async Task CancelAsync_OfAQueuedRequest_RemovesIt()
    {
        var handle = await _fal.SubmitAsync("emulator/slow", new { queue_seconds = 30 });

        await handle.CancelAsync();

        await fixture.WaitStateAsync(handle.RequestId, "cancelled");
        var act = () => handle.GetAsync().WaitAsync(s_bound);
        (await act.Should().ThrowAsync<FalHttpException>()).Which.StatusCode.Should().Be(499);
    }

    [Fact]
    public async Task FlakyStatus_IsRetried()
    {
        var statuses = await All(_fal.Submit("emulator/flaky", new { fail_on = "status", failures = 2, status = 503, output = new { ok = true } }));

        statuses[^1].Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("ok").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Merge_ABatchOver2Workers_AllComplete()
    {
        var outputs = await Enumerable.Range(0, 8).ToObservable()
            .Select(i => _fal.Submit("emulator/echo", new { i, run_seconds = 0.05 }).Results())
            .Merge(4)
            .Timeout(s_bound)
            .ToList();

        outputs.Select(o => o.GetProperty("i").GetInt32()).Should().BeEquivalentTo(Enumerable.Range(0, 8));
    }

    [Fact]
    public async Task RunAsync_AnswersTheDirectRunOutput()
    {
        var output = await _fal.RunAsync("emulator/echo", new { direct = true }).WaitAsync(s_bound);

        output.Result.GetProperty("direct").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Stream_AnyLlm_EmitsPartialsThenTheFinalOutput()
    {
        var events = await _fal.Stream("fal-ai/any-llm", new { prompt = "tell me a short story please" }).Timeout(s_bound).ToList();

        events.Should().HaveCountGreaterThan(2);
        events.Take(events.Count - 1).Should().OnlyContain(e => e.Data.GetProperty("partial").GetBoolean());
        events[^1].Data.GetProperty("partial").GetBoolean().Should().BeFalse();
        events[^1].Data.GetProperty("output").GetString().Should().StartWith(events[0].Data.GetProperty("output").GetString());
    }

    [Fact]
    public async Task StorageUpload_RoundTripsTheBytes()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();

        var url = await _fal.Storage.UploadAsync(FalUploadContent.FromBytes(bytes, "application/octet-stream", "data.bin")).WaitAsync(s_bound);

        using var plain = new HttpClient();
        (await plain.GetByteArrayAsync(url)).Should().Equal(bytes);
    }

    [Fact]
    public async Task WrongKey_Is401_AndTheKeyIsInNoExceptionText()
    {
        await using var guarded = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Keys = ["right-key"] });
        using var client = new FalClient(guarded.CreateClientOptions(FalCredentials.FromKey("wrong-key-123")));

        var act = () => All(client.Submit("emulator/echo", new { }));

        var e = (await act.Should().ThrowAsync<FalHttpException>()).Which;
        e.StatusCode.Should().Be(401);
        e.ToString().Should().NotContain("wrong-key-123");
    }

    [Fact]
    public async Task EmulatorRequestList_ShowsWhatTheClientDid()
    {
        var completed = await All(_fal.Submit("emulator/echo", new { tag = "listed" }));

        var id = completed[^1].RequestId;
        var requests = await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(fixture.Emulator.BaseUrl, "_emulator/requests"));
        requests.EnumerateArray().Should().Contain(r =>
            r.GetProperty("request_id").GetString() == id && r.GetProperty("state").GetString() == "completed");
    }
}
