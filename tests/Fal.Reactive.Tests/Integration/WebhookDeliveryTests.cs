using System.Text.Json;
using System.Threading.Channels;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
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

        var handle = await fal.SubmitAsync("emulator/echo", new { hello = "webhook" }, new FalEnqueueOptions { WebhookUrl = receiver.Url });
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

        await fal.SubmitAsync("emulator/fail", new { status = 422, detail = "bad input" }, new FalEnqueueOptions { WebhookUrl = receiver.Url });
        var payload = await receiver.NextAsync();

        payload.GetProperty("status").GetString().Should().Be("ERROR");
        payload.GetProperty("error").GetString().Should().Contain("422");
    }

    [Fact]
    public async Task ManyRequestsFinishingTogether_EachIsPushedOnce_WithNoCallButTheSubmit()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 64 });
        using var fal = new FalClient(emulator.CreateClientOptions());

        var handles = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            fal.SubmitAsync("emulator/slow", new { run_seconds = 0.2 }, new FalEnqueueOptions { WebhookUrl = receiver.Url })));
        var received = new List<string>();
        for (var i = 0; i < handles.Length; i++)
        {
            received.Add((await receiver.NextAsync()).GetProperty("request_id").GetString()!);
        }

        // Pushed as each request finished: the client made its submit and nothing else (2 calls per request, with the delivery).
        received.Should().BeEquivalentTo(handles.Select(h => h.RequestId));
        emulator.Simulator.Calls.Select(c => c.Kind).Should().AllBeEquivalentTo(FalCallKind.Submit).And.HaveCount(handles.Length);
        emulator.Simulator.Webhooks.Should().HaveCount(handles.Length);
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
