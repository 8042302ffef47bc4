using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// The client's own HttpClient opens at most <see cref="FalClientOptions.MaxConnectionsPerServer"/> connections, counted
/// by Kestrel on 127.0.0.1 as it accepts them; status streams take at most half, so polls are never starved.
/// </summary>
public sealed class ConnectionCapTests : IAsyncLifetime
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private WebApplication _app = null!;
    private int _ids;
    private int _open;
    private int _mostOpen;
    private int _accepted;
    private int _openStreams;

    private Uri Base => new(_app.Urls.First() + "/");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async connection =>
        {
            // Every accepted connection, for as long as it stays open.
            Interlocked.Increment(ref _accepted);
            var open = Interlocked.Increment(ref _open);
            InterlockedMax(ref _mostOpen, open);
            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        })));
        _app = builder.Build();
        // A submit answered after a while, so that calls overlap and would each want a connection of their own.
        _app.MapPost("/fal-ai/app", async () =>
        {
            await Task.Delay(100);
            return Results.Json(new { request_id = $"00000000-0000-0000-0000-{Interlocked.Increment(ref _ids):D12}", queue_position = 0 });
        });
        _app.MapGet("/fal-ai/app/requests/{id}/status", () => Results.Json(new { status = "COMPLETED", logs = (object?)null }));
        _app.MapGet("/fal-ai/app/requests/{id}", () => Results.Json(new { ok = true }));
        _app.MapPut("/fal-ai/app/requests/{id}/cancel", () => Results.Json(new { status = "CANCELLATION_REQUESTED" }));
        // A status stream that only ever sends keep-alives: it holds its connection until the client leaves.
        _app.MapGet("/fal-ai/app/requests/{id}/status/stream", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _openStreams);
            try
            {
                context.Response.ContentType = "text/event-stream";
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": ping\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(200, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _openStreams);
            }
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private FalClientOptions Options(int connections) => new()
    {
        Credentials = FalCredentials.FromKey("cap-test-key"),
        QueueUrl = Base,
        RunUrl = Base,
        RestUrl = Base,
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxConnectionsPerServer = connections,
    };

    [Fact]
    public async Task FortyRequestsAtOnce_OpenNoMoreConnectionsThanTheCap_AndAllComplete()
    {
        using var fal = new FalClient(Options(connections: 4));

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            fal.Submit("fal-ai/app", new { prompt = i }).LastAsync().Timeout(s_bound).ToTask()));

        results.Should().AllBeOfType<Completed>();
        _mostOpen.Should().BeInRange(1, 4, "40 submits were in flight at once, sharing 4 connections");
        _accepted.Should().BeLessThanOrEqualTo(4, "no connection was dropped and opened again either");
    }

    [Fact]
    public async Task StatusStreamsBeyondHalfTheCap_PollInstead_SoPollingIsNeverStarved()
    {
        var options = Options(connections: 4);
        options.StatusStreamIdleTimeout = TimeSpan.FromMinutes(5);
        await using var fal = new FalClient(options);
        var streaming = new FalSubmitOptions { StatusMode = FalStatusMode.Streaming };
        var completed = 0;

        // Ten streaming requests whose streams never bring a status: two hold streams, eight poll and complete.
        var subscriptions = Enumerable.Range(0, 10)
            .Select(i => fal.Submit("fal-ai/app", new { prompt = i }, streaming).Subscribe(s => { if (s is Completed) Interlocked.Increment(ref completed); }, _ => { }))
            .ToList();
        try
        {
            await Eventually.Until(() => Volatile.Read(ref completed) == 8, "the eight requests without a stream slot poll and complete");
            _openStreams.Should().Be(2, "half of the 4 connections");
            _mostOpen.Should().BeLessThanOrEqualTo(4);
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void AConnectionCapBelowOne_IsRefused()
    {
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { MaxConnectionsPerServer = 0 })).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
