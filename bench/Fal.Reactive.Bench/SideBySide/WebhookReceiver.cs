using Fal.Reactive.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// The webhook side's receiver, in the worker's own process: Kestrel on 127.0.0.1 with <c>MapFalWebhooks</c>, which
/// verifies each delivery against the emulator's key set (fetched once through the client's HttpClient) and publishes
/// it to the <see cref="FalWebhookHub"/>. Counts the deliveries and stamps their arrival.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _deliveries;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Hub = app.Services.GetRequiredService<FalWebhookHub>();
    }

    public Uri Url { get; }

    public FalWebhookHub Hub { get; }

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public static async Task<WebhookReceiver> StartAsync(FalClient client, NoticeClock clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(client);
        builder.Services.AddFalWebhooks();
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref self!._deliveries);
            if (context.Request.Headers["X-Fal-Webhook-Request-Id"] is [{ } id, ..])
            {
                clock.Event(id);
            }

            return next(context);
        });
        app.MapFalWebhooks("/fal/webhook");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new WebhookReceiver(app, new Uri(new Uri(address), "/fal/webhook"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
