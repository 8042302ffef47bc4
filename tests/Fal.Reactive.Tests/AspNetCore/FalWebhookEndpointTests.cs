using System.Net;
using System.Text;
using Fal.Reactive.AspNetCore;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.AspNetCore;

/// <summary>
/// The webhook endpoint over real HTTP on loopback: the emulator POSTs its signed webhooks to it, it verifies them
/// against the emulator's key set and hands them to the hub; anything else is refused with the right status.
/// </summary>
public sealed class FalWebhookEndpointTests
{
    private const string UserId = "user-42";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EmulatorWebhook_IsVerifiedAndAwaitedThroughTheHub()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, WebhookUserId = UserId });
        await using var app = await WebhookApp.StartAsync(emulator, o => o.UserId = UserId);

        var handle = await app.Fal.SubmitAsync("emulator/echo", new { hello = "webhook" }, new FalEnqueueOptions { WebhookUrl = app.Url });
        var webhook = await app.Hub.WhenCompleted(handle.RequestId).WaitAsync(s_bound);

        webhook.Status.Should().Be(FalWebhookStatus.Ok);
        webhook.GetPayloadOrThrow().GetProperty("hello").GetString().Should().Be("webhook");
        emulator.Simulator.Calls.Should().Contain(c => c.Kind == FalCallKind.Jwks && c.StatusCode == 200);
    }

    [Fact]
    public async Task FailedRequest_WebhookCarriesTheError()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        await using var app = await WebhookApp.StartAsync(emulator);

        var handle = await app.Fal.SubmitAsync("emulator/fail", new { status = 422, detail = "bad input" }, new FalEnqueueOptions { WebhookUrl = app.Url });
        var webhook = await app.Hub.WhenCompleted(handle.RequestId).WaitAsync(s_bound);

        webhook.Status.Should().Be(FalWebhookStatus.Error);
        var read = () => webhook.GetPayloadOrThrow();
        read.Should().Throw<FalHttpException>().Which.StatusCode.Should().Be(422);
    }

    [Fact]
    public async Task TamperedOrUnsignedDeliveries_AreRefusedAndNotPublished()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, DeliverWebhooks = false });
        await using var app = await WebhookApp.StartAsync(emulator);
        var published = new List<FalWebhook>();
        using var subscription = app.Hub.Subscribe(published.Add);
        var handle = await app.Fal.SubmitAsync("emulator/echo", new { amount = 1 }, new FalEnqueueOptions { WebhookUrl = app.Url });
        var delivery = await RecordedDeliveryAsync(emulator, handle.RequestId);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(delivery.RawBody.Span).Replace("\"amount\":1", "\"amount\":9", StringComparison.Ordinal));

        (await app.PostAsync(tampered, delivery.Headers)).Should().Be(HttpStatusCode.Unauthorized);
        (await app.PostAsync(delivery.RawBody.ToArray(), new Dictionary<string, string>())).Should().Be(HttpStatusCode.Unauthorized);
        published.Should().BeEmpty();

        (await app.PostAsync(delivery.RawBody.ToArray(), delivery.Headers)).Should().Be(HttpStatusCode.OK);
        (await app.PostAsync(delivery.RawBody.ToArray(), delivery.Headers)).Should().Be(HttpStatusCode.OK, "fal retries; a repeat is acknowledged");
        published.Should().ContainSingle().Which.RequestId.Should().Be(handle.RequestId);
    }

    [Fact]
    public async Task SignedBodyThatIsNotAWebhook_Is400()
    {
        var key = FalWebhookSigningKey.Create();
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, WebhookSigningKey = key });
        await using var app = await WebhookApp.StartAsync(emulator);
        var body = Encoding.UTF8.GetBytes("""{"not":"a webhook"}""");

        (await app.PostAsync(body, key.Sign("r-1", UserId, DateTimeOffset.UtcNow, body))).Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BodyOverTheBound_Is413()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        await using var app = await WebhookApp.StartAsync(emulator, endpoint: o => o.MaxBodyBytes = 1000);
        var body = new byte[2000];

        (await app.PostAsync(body, emulator.Simulator.WebhookSigningKey.Sign("r", UserId, DateTimeOffset.UtcNow, body)))
            .Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task KeySetUnreachable_Is503SoFalRetries()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var app = await WebhookApp.StartAsync(emulator, o => o.JwksUrl = new Uri("http://127.0.0.1:1/.well-known/jwks.json"));
        var body = Encoding.UTF8.GetBytes("""{"request_id":"r","status":"OK","payload":{}}""");

        (await app.PostAsync(body, emulator.Simulator.WebhookSigningKey.Sign("r", UserId, DateTimeOffset.UtcNow, body)))
            .Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADeliveryAnnouncing16MiB_AndSending1Byte_WithoutValidHeaders_Is401AtOnce_BeforeItsBodyIsRead(bool staleHeaders)
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        await using var app = await WebhookApp.StartAsync(emulator);
        var headers = staleHeaders
            ? $"x-fal-webhook-request-id: r\r\nx-fal-webhook-user-id: {UserId}\r\nx-fal-webhook-timestamp: {DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()}\r\nx-fal-webhook-signature: {new string('a', 128)}\r\n"
            : string.Empty;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(app.Url.Host, app.Url.Port);
        var stream = tcp.GetStream();

        // The body never comes: only an answer from the headers alone can arrive.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /fal/webhook HTTP/1.1\r\nHost: {app.Url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {16 * 1024 * 1024}\r\n{headers}\r\n{{"));
        var answer = new byte[64];
        var read = await stream.ReadAsync(answer).AsTask().WaitAsync(s_bound);

        Encoding.ASCII.GetString(answer, 0, read).Should().StartWith("HTTP/1.1 401");
    }

    [Fact]
    public async Task AFullHub_Is503SoFalRetriesLater_AndARepeatOfARememberedDeliveryIsStill200()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        await using var app = await WebhookApp.StartAsync(emulator, hub: o => o.Capacity = 1);
        var first = WebhookBody("r-1");
        var second = WebhookBody("r-2");
        var key = emulator.Simulator.WebhookSigningKey;

        (await app.PostAsync(first, key.Sign("r-1", UserId, DateTimeOffset.UtcNow, first))).Should().Be(HttpStatusCode.OK);
        (await app.PostAsync(second, key.Sign("r-2", UserId, DateTimeOffset.UtcNow, second))).Should().Be(HttpStatusCode.ServiceUnavailable);
        (await app.PostAsync(first, key.Sign("r-1", UserId, DateTimeOffset.UtcNow, first))).Should().Be(HttpStatusCode.OK);
        app.Hub.WhenCompleted("r-2").IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task AddFalWebhooks_TheHubsRetentionFollowsTheVerifiersTolerance_AndAShorterOneFailsAtStartup()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        await using (var app = await WebhookApp.StartAsync(emulator, o => o.Tolerance = TimeSpan.FromMinutes(7)))
        {
            app.Hub.Retention.Should().Be(TimeSpan.FromMinutes(14));
        }

        var tooShort = () => WebhookApp.StartAsync(emulator, hub: o => o.Retention = TimeSpan.FromMinutes(9));

        await tooShort.Should().ThrowAsync<ArgumentException>().WithMessage("*twice the verifier's tolerance*");
    }

    [Fact]
    public void MapFalWebhooks_WithoutAddFalWebhooks_FailsAtStartup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var map = () => app.MapFalWebhooks();

        map.Should().Throw<InvalidOperationException>().WithMessage("*AddFalWebhooks*");
    }

    private static byte[] WebhookBody(string requestId) =>
        Encoding.UTF8.GetBytes($$"""{"request_id":"{{requestId}}","gateway_request_id":"{{requestId}}","status":"OK","payload":{"seed":1},"error":null}""");

    private static Task<FalWebhookDelivery> RecordedDeliveryAsync(FalEmulator emulator, string requestId) =>
        Eventually.NotNull(() => emulator.Simulator.Webhooks.FirstOrDefault(w => w.RequestId == requestId), $"the webhook delivery of {requestId} (the echo app finishes in milliseconds)", s_bound);

    /// <summary>An ASP.NET Core app on a free loopback port with a FalClient on the emulator, AddFalWebhooks and MapFalWebhooks.</summary>
    private sealed class WebhookApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http = new() { Timeout = s_bound };

        private WebhookApp(WebApplication app) => _app = app;

        public Uri Url => new(new Uri(_app.Urls.First()), "/fal/webhook");

        public FalClient Fal => _app.Services.GetRequiredService<FalClient>();

        public FalWebhookHub Hub => _app.Services.GetRequiredService<FalWebhookHub>();

        public static async Task<WebhookApp> StartAsync(
            FalEmulator emulator, Action<FalWebhookVerifierOptions>? verifier = null, Action<FalWebhookEndpointOptions>? endpoint = null, Action<FalWebhookHubOptions>? hub = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton(_ => new FalClient(emulator.CreateClientOptions()));
            builder.Services.AddFalWebhooks(verifier, hub);
            var app = builder.Build();
            app.MapFalWebhooks("/fal/webhook", endpoint);
            await app.StartAsync();
            return new WebhookApp(app);
        }

        public async Task<HttpStatusCode> PostAsync(byte[] body, IReadOnlyDictionary<string, string> headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _http.SendAsync(request);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.DisposeAsync();
        }
    }
}
