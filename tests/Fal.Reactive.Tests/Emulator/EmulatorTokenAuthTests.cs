using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Emulator;

/// <summary>
/// Temporary tokens on the emulator's HTTP calls, over real HTTP: a token from <c>POST /_rest/tokens/</c> stands in for
/// the key that asked for it (<c>Authorization: Bearer</c>, or <c>?fal_jwt_token=</c> on a stream, as the JS client's
/// client mode sends it), scoped like that key (its requests only), to the apps it was issued for, and until it expires
/// on the emulator's clock. The emulator runs on a <see cref="TestScheduler"/>: its time moves only when a test says so.
/// </summary>
public sealed class EmulatorTokenAuthTests : IAsyncLifetime, IDisposable
{
    private const string KeyA = "token-test-key-a";
    private const string KeyB = "token-test-key-b";
    private readonly TestScheduler _clock = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FalEmulator _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2, Keys = [KeyA, KeyB], Scheduler = _clock });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task BearerToken_OpensQueueCallsAndStorage_LikeItsKey()
    {
        var token = await TokenAsync(KeyA, ["echo"]);

        using var submitted = await SendAsync(HttpMethod.Post, new Uri(_emulator.QueueUrl, "emulator/echo"), Bearer(token), new { text = "hi" });
        submitted.StatusCode.Should().Be(HttpStatusCode.OK);
        var submit = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        _clock.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);

        using var status = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(token));
        (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("COMPLETED");
        using var result = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("response_url").GetString()!), Bearer(token));
        (await result.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("hi");
        using var cancel = await SendAsync(HttpMethod.Put, new Uri(submit.GetProperty("cancel_url").GetString()!), Bearer(token));
        cancel.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a finished request cannot be cancelled: the call was served, not refused");

        using var upload = await SendAsync(HttpMethod.Post, new Uri(_emulator.RestUrl, "storage/upload/initiate?storage_type=fal-cdn-v3"), Bearer(token),
            new { content_type = "text/plain", file_name = "a.txt" });
        upload.StatusCode.Should().Be(HttpStatusCode.OK);

        // Scoped like key A: the request is A's, as if A had submitted it.
        _emulator.Simulator.Requests.Should().ContainSingle(r => r.RequestId == submit.GetProperty("request_id").GetString());
        using var asA = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), "Key " + KeyA);
        asA.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TokenOfAnotherKey_SeesNoneOfTheFirstKeysRequests()
    {
        var submit = await SubmitAsync("Key " + KeyA, "emulator/echo");
        var tokenOfB = await TokenAsync(KeyB, ["echo"]);
        var tokenOfA = await TokenAsync(KeyA, ["echo"]);

        using var asB = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(tokenOfB));
        using var cancelAsB = await SendAsync(HttpMethod.Put, new Uri(submit.GetProperty("cancel_url").GetString()!), Bearer(tokenOfB));
        using var asA = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(tokenOfA));

        asB.StatusCode.Should().Be(HttpStatusCode.NotFound, "another key's request is not revealed, to its tokens either");
        cancelAsB.StatusCode.Should().Be(HttpStatusCode.NotFound);
        asA.StatusCode.Should().Be(HttpStatusCode.Accepted, "still queued: the emulator's clock has not moved");
    }

    [Fact]
    public async Task TokenForAnotherApp_IsRefused_403()
    {
        var token = await TokenAsync(KeyA, ["echo"]);
        var submit = await SubmitAsync("Key " + KeyA, "emulator/slow");

        using var other = await SendAsync(HttpMethod.Post, new Uri(_emulator.QueueUrl, "emulator/slow"), Bearer(token), new { });
        using var otherStatus = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(token));
        using var subPath = await SendAsync(HttpMethod.Post, new Uri(_emulator.QueueUrl, "emulator/echo/some/sub-path"), Bearer(token), new { });

        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        otherStatus.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        subPath.StatusCode.Should().Be(HttpStatusCode.OK, "a token for an alias opens the app at any sub-path");
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_401_WithoutEchoingIt()
    {
        var token = await TokenAsync(KeyA, ["echo"], seconds: 60);
        var submit = await SubmitAsync(Bearer(token), "emulator/echo");

        _clock.AdvanceBy(TimeSpan.FromSeconds(59).Ticks);
        using var before = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(token));
        _clock.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        using var after = await SendAsync(HttpMethod.Get, new Uri(submit.GetProperty("status_url").GetString()!), Bearer(token));

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await after.Content.ReadAsStringAsync()).Should().Contain("expired").And.NotContain(token);
    }

    [Fact]
    public async Task StreamWithFalJwtTokenInTheQuery_NeedsNoKey_OtherCallsDoNotTakeTheQueryToken()
    {
        // On real time: the stream's events are sent as the app makes them.
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 1, Keys = [KeyA] });
        using var mint = await SendAsync(HttpMethod.Post, new Uri(emulator.RestUrl, "tokens/"), "Key " + KeyA, new { allowed_apps = new[] { "any-llm" }, token_expiration = 120 });
        var token = (await mint.Content.ReadFromJsonAsync<string>())!;

        using var stream = await SendAsync(HttpMethod.Post, new Uri(emulator.RunUrl, "fal-ai/any-llm/stream?fal_jwt_token=" + Uri.EscapeDataString(token)), null, new { prompt = "hi" });
        using var badToken = await SendAsync(HttpMethod.Post, new Uri(emulator.RunUrl, "fal-ai/any-llm/stream?fal_jwt_token=not-a-token"), null, new { prompt = "hi" });
        using var queue = await SendAsync(HttpMethod.Post, new Uri(emulator.QueueUrl, "fal-ai/any-llm?fal_jwt_token=" + Uri.EscapeDataString(token)), null, new { prompt = "hi" });

        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        (await stream.Content.ReadAsStringAsync()).Should().MatchRegex("\"partial\":\\s*false", "the stream ran to its final event");
        badToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        queue.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the query token is the stream's (client mode), not the queue's");
    }

    [Fact]
    public async Task MintingATokenAndTheRequestListing_NeedTheKey()
    {
        var token = await TokenAsync(KeyA, ["echo"]);

        using var mint = await SendAsync(HttpMethod.Post, new Uri(_emulator.RestUrl, "tokens/"), Bearer(token), new { allowed_apps = new[] { "echo" }, token_expiration = 60 });
        using var listing = await SendAsync(HttpMethod.Get, new Uri(_emulator.Simulator.ApiUrl, "v1/models/requests/by-endpoint?endpoint_id=emulator/echo"), Bearer(token));

        mint.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        listing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheInMemorySimulator_IssuesAndAcceptsTheSameTokens()
    {
        var scheduler = new TestScheduler();
        var simulator = new FalSimulator(scheduler, new FalSimulatorOptions { AcceptedKeys = [KeyA, KeyB] }).MapApp("fal-ai/echo", FalAppScript.Succeed(new { ok = true }));
        using var http = new HttpClient(simulator.CreateHandler());

        using var mint = await Send(http, HttpMethod.Post, new Uri(simulator.RestUrl, "tokens/"), "Key " + KeyA, new { allowed_apps = new[] { "echo" }, token_expiration = 60 });
        mint.StatusCode.Should().Be(HttpStatusCode.Created);
        var token = await mint.Content.ReadFromJsonAsync<string>();
        using var submit = await Send(http, HttpMethod.Post, new Uri(simulator.QueueUrl, "fal-ai/echo"), Bearer(token!), new { });
        scheduler.AdvanceBy(TimeSpan.FromSeconds(61).Ticks);
        using var expired = await Send(http, HttpMethod.Post, new Uri(simulator.QueueUrl, "fal-ai/echo"), Bearer(token!), new { });

        submit.StatusCode.Should().Be(HttpStatusCode.OK);
        expired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static string Bearer(string token) => "Bearer " + token;

    private async Task<string> TokenAsync(string key, string[] apps, int seconds = 120)
    {
        using var response = await SendAsync(HttpMethod.Post, new Uri(_emulator.RestUrl, "tokens/"), "Key " + key, new { allowed_apps = apps, token_expiration = seconds });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<string>())!;
    }

    private async Task<JsonElement> SubmitAsync(string authorization, string app)
    {
        using var response = await SendAsync(HttpMethod.Post, new Uri(_emulator.QueueUrl, app), authorization, new { });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string? authorization, object? body = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        Send(_http, method, url, authorization, body, completion);

    private static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, Uri url, string? authorization, object? body = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(method, url);
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return http.SendAsync(request, completion);
    }
}
