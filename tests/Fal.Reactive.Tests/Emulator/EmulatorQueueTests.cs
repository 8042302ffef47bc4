using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Emulator;

public class EmulatorQueueTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private HttpClient Http => fixture.Http;

    private FalEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task SubmitStatusResult_RoundTripOverHttp()
    {
        var submitted = await fixture.SubmitAsync("emulator/echo", new { text = "héllo \"quoted\"", run_seconds = 0.02 });

        submitted.GetProperty("status_url").GetString().Should().StartWith(Emulator.QueueUrl + "emulator/echo/requests/");
        var status = await fixture.WaitCompletedAsync(submitted);
        status.GetProperty("metrics").GetProperty("inference_time").GetDouble().Should().BeGreaterThan(0);

        using var result = await Http.GetAsync(submitted.GetProperty("response_url").GetString());
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.Headers.GetValues("x-fal-request-id").Should().Equal(submitted.GetProperty("request_id").GetString());
        (await result.Content.ReadAsStringAsync()).Should().Contain("héllo \\\"quoted\\\"");
    }

    [Fact]
    public async Task MissingKey_Is401WithADetail()
    {
        using var anonymous = new HttpClient();

        using var response = await anonymous.PostAsJsonAsync(new Uri(Emulator.QueueUrl, "emulator/echo"), new { });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().NotBeEmpty();
    }

    [Fact]
    public async Task ConfiguredKeys_RejectAnyOtherKey()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Keys = ["right"] });
        using var http = new HttpClient();

        using var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.QueueUrl, "emulator/echo")) { Content = JsonContent.Create(new { }) };
        wrong.Headers.Authorization = new("Key", "wrong");
        using var right = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.QueueUrl, "emulator/echo")) { Content = JsonContent.Create(new { }) };
        right.Headers.Authorization = new("Key", "right");

        (await http.SendAsync(wrong)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.SendAsync(right)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CancelRunning_Gives499AndTheRequestListShowsIt()
    {
        var submitted = await fixture.SubmitAsync("emulator/slow", new { run_seconds = 30 });
        var id = submitted.GetProperty("request_id").GetString()!;
        await fixture.WaitStateAsync(id, "running");

        using var cancel = await Http.PutAsync(submitted.GetProperty("cancel_url").GetString(), null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("CANCELLATION_REQUESTED");
        using var result = await Http.GetAsync(submitted.GetProperty("response_url").GetString());
        ((int)result.StatusCode).Should().Be(499);
        var listed = await fixture.WaitStateAsync(id, "cancelled");
        listed.GetProperty("app").GetString().Should().Be("emulator/slow");
        listed.GetProperty("cancel_requested").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task StartTimeoutInTheQueue_Gives504UserTimeout()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Workers = 1 });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Key", "k");
        using var blocker = await http.PostAsJsonAsync(new Uri(emulator.QueueUrl, "emulator/slow"), new { run_seconds = 30 });
        using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.QueueUrl, "emulator/echo")) { Content = JsonContent.Create(new { }) };
        submit.Headers.Add("X-Fal-Request-Timeout", "0.05");
        using var submitResponse = await http.SendAsync(submit);
        var submitted = await submitResponse.Content.ReadFromJsonAsync<JsonElement>();

        using var result = await Eventually.Value(
            async () =>
            {
                var answer = await http.GetAsync(submitted.GetProperty("response_url").GetString());
                if ((int)answer.StatusCode == 400)
                {
                    answer.Dispose();
                    return null;
                }

                return answer;
            },
            static answer => answer is not null,
            "the result to stop answering 400 (still queued)");

        ((int)result!.StatusCode).Should().Be(504);
        result.Headers.GetValues("X-Fal-Request-Timeout-Type").Should().Equal("user");
    }

    [Fact]
    public async Task ProxyHeader_IsServedAsIfSentToTheFalUrl()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Emulator.BaseUrl, "_proxy")) { Content = JsonContent.Create(new { a = 1 }) };
        request.Headers.Add("x-fal-target-url", "https://queue.fal.run/emulator/echo");
        using var response = await Http.SendAsync(request);
        var submitted = await response.Content.ReadFromJsonAsync<JsonElement>();

        submitted.GetProperty("status").GetString().Should().Be("IN_QUEUE");
        await fixture.WaitCompletedAsync(submitted);

        using var status = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.BaseUrl, "_proxy"));
        status.Headers.Add("x-fal-target-url", $"https://queue.fal.run/emulator/echo/requests/{submitted.GetProperty("request_id").GetString()}");
        using var result = await Http.SendAsync(status);
        (await result.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("a").GetInt32().Should().Be(1);

        using var foreign = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.BaseUrl, "_proxy"));
        foreign.Headers.Add("x-fal-target-url", "https://example.com/steal");
        (await Http.SendAsync(foreign)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StatusStream_SendsEventsOverHttpAndClosesAfterCompleted()
    {
        var submitted = await fixture.SubmitAsync("emulator/slow", new { run_seconds = 0.1, logs_per_second = 30 });

        using var request = new HttpRequestMessage(HttpMethod.Get, submitted.GetProperty("status_url").GetString() + "/stream?logs=1");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var text = await response.Content.ReadAsStringAsync();   // ends because the server closes the stream

        var events = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        events[^1].GetProperty("status").GetString().Should().Be("COMPLETED");
        events.Where(e => e.TryGetProperty("logs", out var logs) && logs.ValueKind == JsonValueKind.Array)
            .Sum(e => e.GetProperty("logs").GetArrayLength()).Should().Be(3);
    }

    [Fact]
    public async Task RequestList_ReportsEveryRequestWithItsState()
    {
        var submitted = await fixture.SubmitAsync("emulator/echo", new { marker = "list" });
        await fixture.WaitCompletedAsync(submitted);

        var requests = await Http.GetFromJsonAsync<JsonElement>(new Uri(Emulator.BaseUrl, "_emulator/requests"));

        var listed = requests.EnumerateArray().Single(r => r.GetProperty("request_id").GetString() == submitted.GetProperty("request_id").GetString());
        listed.GetProperty("state").GetString().Should().Be("completed");
        listed.GetProperty("app").GetString().Should().Be("emulator/echo");
        listed.GetProperty("status_code").GetInt32().Should().Be(200);
    }

    [Fact]
    public async Task FailApp_ReplaysItsErrorAndStatusReportsIt()
    {
        var submitted = await fixture.SubmitAsync("emulator/fail", new { status = 503, detail = "Runner disconnected", error_type = "runner_disconnected", after_seconds = 0.01 });

        var status = await fixture.WaitCompletedAsync(submitted);

        status.GetProperty("error").GetString().Should().Be("Runner disconnected");
        status.GetProperty("error_type").GetString().Should().Be("runner_disconnected");
        using var result = await Http.GetAsync(submitted.GetProperty("response_url").GetString());
        result.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task FlakyApp_DropsTheFirstConnectionThenAnswers()
    {
        var input = new { fail_on = "run", failures = 1, drop_connection = true, output = new { ok = true } };
        var url = new Uri(Emulator.RunUrl, "emulator/flaky");

        await FluentActions.Awaiting(() => Http.PostAsJsonAsync(url, input)).Should().ThrowAsync<HttpRequestException>();
        using var second = await Http.PostAsJsonAsync(url, input);

        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task ClientVanishingMidRun_LeavesNothingRunning()
    {
        using var cts = new CancellationTokenSource();
        var call = Http.PostAsync(new Uri(Emulator.RunUrl, "emulator/slow"), new StringContent("{\"run_seconds\": 30, \"marker\": \"vanish\"}", Encoding.UTF8, "application/json"), cts.Token);
        var id = await Eventually.Value(
            async () =>
            {
                var requests = await Http.GetFromJsonAsync<JsonElement>(new Uri(Emulator.BaseUrl, "_emulator/requests"));
                return requests.EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "run" && r.GetProperty("app").GetString() == "emulator/slow")
                    .Select(r => r.GetProperty("request_id").GetString()).FirstOrDefault();
            },
            static id => id is not null,
            "the direct run to reach the emulator");

        await cts.CancelAsync();
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();

        await fixture.WaitStateAsync(id!, "cancelled");
    }
}
