using System.Text.Json;
using System.Threading.Channels;
using Fal.Reactive.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fal.Reactive.Tests.Integration;

/// <summary>The emulator POSTs fal's webhook payload to the URL a client submitted with, over real HTTP.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task Submit_WithWebhookUrl_ReceivesTheDocumentedPayload()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        using var fal = new FalClient(emulator.CreateClientOptions());

        var handle = await fal.SubmitAsync("emulator/echo", new { hello = "webhook" }, new FalSubmitOptions { WebhookUrl = receiver.Url });
        var payload = await receiver.NextAsync();

        payload.GetProperty("request_id").GetString().Should().Be(handle.RequestId);
        payload.GetProperty("gateway_request_id").GetString().Should().Be(handle.RequestId);
        payload.GetProperty("status").GetString().Should().Be("OK");
        payload.GetProperty("payload").GetProperty("hello").GetString().Should().Be("webhook");
        payload.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task FailedRequest_WebhookSaysError()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        using var fal = new FalClient(emulator.CreateClientOptions());

        await fal.SubmitAsync("emulator/fail", new { status = 422, detail = "bad input" }, new FalSubmitOptions { WebhookUrl = receiver.Url });
        var payload = await receiver.NextAsync();

        payload.GetProperty("status").GetString().Should().Be("ERROR");
        payload.GetProperty("error").GetString().Should().Contain("422");
    }

    /// <summary>A real HTTP endpoint on loopback that collects the JSON bodies POSTed to <c>/hook</c>.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
        private readonly WebApplication _app;

        private WebhookReceiver()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapPost("/hook", async (HttpContext context) =>
            {
                _received.Writer.TryWrite(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
                return Results.Ok();
            });
        }

        public Uri Url => new(new Uri(_app.Urls.First()), "/hook");

        public static async Task<WebhookReceiver> StartAsync()
        {
            var receiver = new WebhookReceiver();
            await receiver._app.StartAsync();
            return receiver;
        }

        public async Task<JsonElement> NextAsync()
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            return await _received.Reader.ReadAsync(bound.Token);
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
