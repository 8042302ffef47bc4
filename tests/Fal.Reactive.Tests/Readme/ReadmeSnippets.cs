// The C# blocks of README.md, verbatim, so that the build compiles them (ReadmeSnippetsTests checks
// that each README block stands here). Edit both together.
#pragma warning disable CA1822, CA1826, CA2000, CA2007, CA1849, CS1998, IDE0059, CS8933

using Fal.Reactive.AspNetCore;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Fal.Reactive;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Reactive.Testing;
using System.Net.Http.Json;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using Xunit;

namespace Fal.Reactive.Tests.Readme;

internal static class ReadmeSnippets
{
    // Quick start: the README block as Program.cs, top to bottom (run by ReadmeBlocksRunTests).
    public static async Task QuickStart()
    {
        // The key from FAL_KEY (or FAL_KEY_ID + FAL_KEY_SECRET); with FAL_EMULATOR_URL set, the local emulator.
        await using var fal = new FalClient();

        // Ctrl+C cancels the request on fal (not only the wait) before the program exits.
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

        try
        {
            var output = await fal.SubscribeAsync("fal-ai/fast-sdxl", new { prompt = "a lighthouse at dawn" },
                new FalSubmitOptions { WithLogs = true },
                onUpdate: status => Console.WriteLine(status switch
                {
                    Queued q => $"queued at position {q.Position}",
                    InProgress p => $"running: {p.Logs?.LastOrDefault()?.Message}",
                    Completed c => $"done in {c.Metrics.InferenceTime:0.0} s",
                    _ => status.ToString(),
                }),
                cancellationToken: cancel.Token);
            Console.WriteLine(output.GetProperty("images")[0].GetProperty("url"));
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("cancelled: the request was cancelled on fal");
        }
    }

    public static async Task QuickStartObservable()
    {
        await using var fal = new FalClient();

        await fal.Submit("fal-ai/fast-sdxl", new { prompt = "a lighthouse at dawn" }, new FalSubmitOptions { WithLogs = true })
            .ForEachAsync(status => Console.WriteLine(status));
    }

    public static async Task TimeoutVersusDeadline()
    {
        await using var fal = new FalClient();

        // Fails if 30 s pass without a new status (queue position, start, a log line if logs are on, completion).
        var stalled = fal.Submit("fal-ai/fast-sdxl", new { prompt = "a fox" })
                         .Timeout(TimeSpan.FromSeconds(30));

        // Fails if the request has not completed two minutes from now, however much progress it makes.
        var bounded = fal.Submit("fal-ai/fast-sdxl", new { prompt = "a fox" })
                         .Timeout(DateTimeOffset.UtcNow.AddMinutes(2));
        await Task.CompletedTask;
    }

    public static async Task BatchesWithMerge()
    {
        await using var fal = new FalClient();
        string[] prompts = ["a cat", "a dog", "a bird", "a fish"];

        IList<JsonElement> outputs = await prompts.ToObservable()
            .Select(prompt => fal.Submit("fal-ai/fast-sdxl", new { prompt })
                                 .Timeout(TimeSpan.FromSeconds(60))
                                 .Results())
            .Merge(maxConcurrent: 2)   // at most two requests in flight
            .ToList();
        await Task.CompletedTask;
    }

    public static async Task CancellationIsDisposal(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        var subscription = fal.Submit("fal-ai/fast-sdxl", new { prompt = "a storm" })
                              .Subscribe(status => Console.WriteLine(status));
        subscription.Dispose();   // the request is cancelled on fal
        await Task.CompletedTask;
    }

    public static async Task HandleApi()
    {
        await using var fal = new FalClient();
        FalRequestHandle handle = await fal.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "a landscape" });
        Console.WriteLine(handle.RequestId);

        FalStatus now = await handle.StatusAsync(withLogs: true);
        if (now is Queued q) Console.WriteLine($"position {q.Position}");

        await foreach (var status in handle.IterEventsAsync(withLogs: true))
            Console.WriteLine(status);

        JsonElement output = await handle.GetAsync();           // waits for completion
        var resumed = fal.GetHandle("fal-ai/fast-sdxl", handle.RequestId);   // or FalRequestHandle.FromRequestId
        await resumed.CancelAsync();                           // cancelling a completed request is not an error
        await Task.CompletedTask;
    }

    public static async Task Options()
    {
        var client = new FalClient(new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("your-key"),       // or FromKeyPair(id, secret), FromEnvironment()
            PollInterval = TimeSpan.FromMilliseconds(250),
            Scheduler = System.Reactive.Concurrency.TaskPoolScheduler.Default,
            Retry = new FalRetryOptions { MaxRetries = 5 },        // status, result and cancel; never submit
        });

        var options = new FalSubmitOptions
        {
            WithLogs = true,
            WebhookUrl = new Uri("https://example.com/fal-webhook"),   // fal_webhook
            Priority = FalQueuePriority.Low,                          // X-Fal-Queue-Priority
            Hint = "lora:my-style",                                   // X-Fal-Runner-Hint
            StartTimeout = TimeSpan.FromSeconds(30),                  // X-Fal-Request-Timeout
        };
        options.Headers["X-Fal-No-Retry"] = "1";
        await Task.CompletedTask;
    }

    public static async Task RunStreamStorage(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        JsonElement direct = (await fal.RunAsync("fal-ai/fast-sdxl", new { prompt = "a tree" })).Result;  // fal.run, no queue
        FalRunResult withId = await fal.RunAsync("fal-ai/fast-sdxl", new { prompt = "a tree" },
            new FalRunOptions { Timeout = TimeSpan.FromMinutes(5) });
        Console.WriteLine($"{withId.RequestId}: {withId.Result}");
        JsonElement blocking = fal.Run("fal-ai/fast-sdxl", new { prompt = "a tree" }).Result;            // synchronous I/O

        fal.Stream("fal-ai/any-llm", new { prompt = "Tell me a story" })   // POST /stream, server-sent events
           .Subscribe(e => Console.WriteLine(e.Data.GetProperty("output").GetString()));

        var streamOptions = new FalStreamOptions { IdleTimeout = TimeSpan.FromSeconds(30) };
        await foreach (FalStreamEvent e in fal.StreamAsync("fal-ai/any-llm", new { prompt = "Tell me a story" }, streamOptions))
        {
            Console.WriteLine($"{e.RequestId} {(e.IsPartial ? "…" : "final")}: {e.Data.GetProperty("output")}");
        }

        Uri url = await fal.Storage.UploadAsync(FalUploadContent.FromBytes(File.ReadAllBytes("cat.png"), "image/png", "cat.png"));
        string inline = FalStorage.EncodeDataUri(File.ReadAllBytes("cat.png"), "image/png");
        await Task.CompletedTask;
    }

    public static async Task Storage(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        Uri photo = await fal.Storage.UploadAsync(new FileInfo("cat.png"), new FalUploadOptions { Lifecycle = FalObjectLifecycle.OneDay });
        fal.Storage.Upload(new FileInfo("video.mp4"))
           .Subscribe(p => Console.WriteLine(p.Url?.ToString() ?? $"{p.Fraction:P0}"));
        var edited = await fal.SubscribeAsync("fal-ai/fast-sdxl/image-to-image", new { prompt = "watercolour", image_url = new FileInfo("cat.png") });
    }

    public static async Task SubscribeCallbacks(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        var output = await fal.SubscribeAsync("fal-ai/fast-sdxl", new { prompt = "a tree" }, new FalSubmitOptions
        {
            OnEnqueue = requestId => Console.WriteLine($"queued as {requestId}"),
        }, onUpdate: status => Console.WriteLine(status));
    }

    public static async Task ProxyMode()
    {
        using var browserFal = new FalClient(new FalClientOptions { ProxyUrl = new Uri("https://my-app.example/api/fal/proxy") });
        var image = await browserFal.SubscribeAsync("fal-ai/fast-sdxl", new { prompt = "a tree" });
    }

    public static async Task TemporaryTokens(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        // On the backend, with the key:
        string token = await fal.CreateTemporaryTokenAsync(["fal-ai/fast-sdxl"], TimeSpan.FromMinutes(5));

        // In the app, without it:
        using var backend = new HttpClient { BaseAddress = new Uri("https://my-app.example/") };
        var credentials = FalCredentials.FromTokenProvider(
            async ct => (await backend.GetFromJsonAsync<string>("api/fal-token", ct))!, TimeSpan.FromMinutes(5));
        using var appFal = new FalClient(new FalClientOptions { Credentials = credentials });
    }

    public static async Task Webhooks()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSingleton(new FalClient());
        builder.Services.AddFalWebhooks();   // FalWebhookHub + FalWebhookVerifier (the client's HttpClient and REST host)
        var app = builder.Build();
        app.MapFalWebhooks("/fal/webhook");  // 200 verified, 401 bad or stale signature, 503 keys unavailable

        app.MapPost("/generate", async (FalClient fal, FalWebhookHub hub, string prompt) =>
        {
            var handle = await fal.SubmitAsync("fal-ai/flux/dev", new { prompt },
                new FalEnqueueOptions { WebhookUrl = new Uri("https://my.app/fal/webhook") });
            try
            {
                FalWebhook done = await hub.WhenCompleted(handle.RequestId).WaitAsync(TimeSpan.FromMinutes(10));
                return done.GetPayloadOrThrow();   // FalHttpException with the request id when it failed
            }
            catch (TimeoutException)
            {
                await handle.CancelAsync();        // nothing left running (and billed) at fal
                throw;
            }
        });

        app.Services.GetRequiredService<FalWebhookHub>()   // an IObservable<FalWebhook> of every verified webhook
           .Where(webhook => !webhook.IsSuccess)
           .Subscribe(webhook => Console.WriteLine($"{webhook.RequestId} failed: {webhook.Error}"));
        await Task.CompletedTask;
    }

    public static async Task Realtime(FalClient fal)
    {
        // continues: `fal` is the quick start's client
        var prompts = new Subject<string>();                  // e.g. a text box's changes

        using var connection = fal.Realtime("fal-ai/fast-lcm-diffusion", new FalRealtimeOptions { MaxBuffering = 2 });

        using var results = connection.Subscribe(r =>        // the first subscriber connects: a token, then the WebSocket
            Console.WriteLine($"{r.RequestId}: {r.Output.GetProperty("images")[0].GetProperty("url")}"));

        using var typing = prompts                            // any IObservable<string>
            .Sample(TimeSpan.FromMilliseconds(128))           // the JS client's built-in 128 ms throttle, as an operator
            .Select(prompt => new { prompt })
            .Subscribe(connection);                           // each input goes out as one msgpack frame

        connection.Send(new { prompt = "a lighthouse" }, requestId: "lighthouse");   // its result carries the id
        await Task.CompletedTask;
    }

    public static async Task RealtimeTesting()
    {
        var scheduler = new TestScheduler();
        var sim = new FalRealtimeSimulator(scheduler)
            .MapApp("fal-ai/echo", input => input, processingTime: TimeSpan.FromMilliseconds(50));
        using var fal = sim.CreateClient();   // token requests and sockets in memory, on the simulator's scheduler
        using var echo = fal.Realtime("fal-ai/echo");

        scheduler.ScheduleAbsolute(TimeSpan.FromSeconds(1).Ticks, () => echo.Send(new { prompt = "hi" }, "r1"));
        scheduler.ScheduleAbsolute(TimeSpan.FromSeconds(130).Ticks, sim.DropConnections);
        var observer = scheduler.Start(() => echo, disposed: TimeSpan.FromSeconds(200).Ticks);

        Assert.Equal("r1", observer.Messages.Single().Value.Value.RequestId);
        Assert.Equal(2, sim.IssuedTokens.Count);   // the token was refreshed at 108 s, 90 % of its 120 s
        Assert.Equal(2, sim.Connections.Count);    // the drop at 130 s was repaired 1 s later
        await Task.CompletedTask;
    }

    public static async Task TestingWithTheSimulator()
    {
        var scheduler = new TestScheduler();
        var sim = new FalSimulator(scheduler, new FalSimulatorOptions { Workers = 1 });
        sim.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { seed = 42 }, runTime: TimeSpan.FromSeconds(2))
            .WithLogs((TimeSpan.FromSeconds(1), "step 10/20")));

        using var fal = sim.CreateClient();   // in-memory HTTP, the simulator's scheduler and hosts

        var observer = scheduler.Start(
            () => fal.Submit("fal-ai/fast-sdxl", new { prompt = "x" }).Timeout(TimeSpan.FromSeconds(1), scheduler),
            disposed: TimeSpan.FromSeconds(10).Ticks);

        // Queued at 200, InProgress at the first poll, then no news for 1 s: the timeout fires and cancels.
        Assert.IsType<TimeoutException>(observer.Messages.Last().Value.Exception);
        Assert.Single(sim.Calls, c => c.Kind == FalCallKind.Cancel);
        await Task.CompletedTask;
    }

    public static async Task TheEmulator()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2 });
        using var local = new FalClient(emulator.CreateClientOptions());
        var echoed = await local.RunAsync("emulator/echo", new { hello = "world" });
        await Task.CompletedTask;
    }
}
