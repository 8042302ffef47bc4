using System.Net.Http.Json;
using System.Text;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Testing;

public class SimulatorRecordingTests
{
    private static async Task<IReadOnlyList<FalRecordedCall>> RunScenarioAsync()
    {
        // Sequential ids: two runs are compared call by call, and the simulator's ids are random by default.
        using var h = new SimulatorHarness(new FalSimulatorOptions { Workers = 1, RequestIdGenerator = SequentialRequestIds.Create() });
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)).WithLogs((TimeSpan.FromSeconds(0.5), "x")));
        var first = await h.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "a" });
        var second = await h.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "b" });
        for (var i = 0; i < 4; i++)
        {
            await h.StatusAsync(first, logs: true);
            await h.StatusAsync(second);
            h.Advance(TimeSpan.FromMilliseconds(400));
        }

        await h.ResultAsync(first);
        await h.CancelAsync(second);
        return h.Simulator.Calls;
    }

    [Fact]
    public async Task SameScriptTwice_GivesTheSameCalls()
    {
        var first = await RunScenarioAsync();
        var second = await RunScenarioAsync();

        first.Should().HaveCount(12);
        second.Should().Equal(first);
    }

    [Fact]
    public async Task Calls_RecordKindRequestAndStatusButNeverTheKey()
    {
        var calls = await RunScenarioAsync();

        calls.Select(c => c.Kind).Distinct().Should().Equal(FalCallKind.Submit, FalCallKind.Status, FalCallKind.Result, FalCallKind.Cancel);
        calls.Should().OnlyContain(c => c.HasAuthorization && c.RequestId != null && c.StatusCode != null);
        calls[^1].StatusCode.Should().Be(202);
        string.Join('\n', calls.Select(c => c.ToString())).Should().NotContain(SimulatorHarness.Key);
    }

    [Fact]
    public async Task UploadRoundTrip_ServesTheBytesBackWithTheirContentType()
    {
        using var h = new SimulatorHarness();
        var (code, initiated) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3"), new { content_type = "image/png", file_name = "cat.png" });
        code.Should().Be(200);
        var uploadUrl = initiated.GetProperty("upload_url").GetString()!;
        var fileUrl = initiated.GetProperty("file_url").GetString()!;

        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Content.Headers.ContentType = new("image/png");
        put.Headers.Authorization = null;
        using var putResponse = await h.Http.SendAsync(put);
        ((int)putResponse.StatusCode).Should().Be(200);

        using var anonymous = new HttpClient(h.Simulator.CreateHandler());
        using var get = await anonymous.GetAsync(fileUrl);
        ((int)get.StatusCode).Should().Be(200);
        get.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        (await get.Content.ReadAsByteArrayAsync()).Should().Equal(1, 2, 3);
        fileUrl.Should().EndWith("/cat.png");
        h.Simulator.Calls.Select(c => c.Kind).Should().Equal(FalCallKind.UploadInitiate, FalCallKind.UploadPut, FalCallKind.File);
        h.Simulator.TryGetFile(new Uri(fileUrl), out var file).Should().BeTrue();
        file!.FileName.Should().Be("cat.png");
    }

    [Fact]
    public async Task CdnTokenAndDirectUpload_StoreAFile()
    {
        using var h = new SimulatorHarness();
        var (_, token) = await h.SendAsync(HttpMethod.Post, new Uri("https://rest.fal.ai/storage/auth/token?storage_type=fal-cdn-v3"), new { });
        using var upload = new HttpRequestMessage(HttpMethod.Post, token.GetProperty("base_url").GetString() + "/files/upload") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        upload.Headers.Authorization = new(token.GetProperty("token_type").GetString()!, token.GetProperty("token").GetString());
        upload.Headers.Add("X-Fal-File-Name", "hello.txt");

        using var response = await h.Http.SendAsync(upload);
        var accessUrl = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["access_url"];

        (await h.Http.GetStringAsync(accessUrl)).Should().Be("hello");
    }

    [Fact]
    public async Task RequestWithWebhook_RecordsItWhenTheRequestFinishes()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/echo", call => FalAppScript.Succeed(call.Input, TimeSpan.FromSeconds(1)));
        var submitted = await h.SubmitAsync("emulator/echo?fal_webhook=" + Uri.EscapeDataString("https://example.test/hook?x=1"), new { a = 1 });
        h.Simulator.Webhooks.Should().BeEmpty();

        h.Advance(TimeSpan.FromSeconds(1));

        var webhook = h.Simulator.Webhooks.Should().ContainSingle().Subject;
        webhook.Url.Should().Be(new Uri("https://example.test/hook?x=1"));
        webhook.Body.GetProperty("request_id").GetString().Should().Be(submitted.GetProperty("request_id").GetString());
        webhook.Body.GetProperty("status").GetString().Should().Be("OK");
        webhook.Body.GetProperty("payload").GetProperty("a").GetInt32().Should().Be(1);
        h.Simulator.Requests.Single().WebhookUrl.Should().Be(new Uri("https://example.test/hook?x=1"));
    }

    [Fact]
    public async Task ScriptedFailures_AnswerTheFirstCallsThenTheProtocolResumes()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/flaky", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Submit, 1, 429, retryAfter: TimeSpan.FromSeconds(2))
            .WithFailures(FalCallKind.Status, 2, 503));

        using var rejected = await h.Http.PostAsync("https://queue.fal.run/emulator/flaky", new StringContent("{}"));
        ((int)rejected.StatusCode).Should().Be(429);
        rejected.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        var submitted = await h.SubmitAsync("emulator/flaky", new { });

        using var ingress = await h.Http.GetAsync(submitted.GetProperty("status_url").GetString());
        ((int)ingress.StatusCode).Should().Be(503);
        ingress.Headers.Contains("x-fal-request-id").Should().BeFalse();
        (await ingress.Content.ReadAsStringAsync()).Should().Contain("nginx");
        (await h.StatusAsync(submitted)).Status.Should().Be(503);
        (await h.StatusAsync(submitted)).Status.Should().Be(202);
    }

    [Fact]
    public async Task DroppedConnection_SurfacesAsHttpRequestException()
    {
        using var h = new SimulatorHarness();
        h.Simulator.MapApp("emulator/flaky", FalAppScript.Succeed(new { }).WithDroppedConnections(FalCallKind.Result, 1));
        var submitted = await h.SubmitAsync("emulator/flaky");

        await FluentActions.Awaiting(() => h.ResultAsync(submitted)).Should().ThrowAsync<HttpRequestException>();
        (await h.ResultAsync(submitted)).Status.Should().Be(200);
        h.Simulator.Calls.Where(c => c.Kind == FalCallKind.Result).Select(c => c.StatusCode).Should().Equal(null, 200);
    }
}
