using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// Disposal bounded by DisposeTimeout when a cancel hangs, over real HTTP on 127.0.0.1 (Kestrel): a queue whose
/// requests run forever and whose cancel endpoint never answers. The bounds are loose (the wait must be at least
/// most of the timeout, because a cancel was pending, and well under twice it).
/// </summary>
public sealed class HangingCancelDisposalTests : IAsyncLifetime
{
    private const string RequestId = "bbbbbbbb-0000-0000-0000-000000000001";
    private static readonly TimeSpan s_disposeTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/fal-ai/app", () => Results.Json(new { request_id = RequestId, queue_position = 0 }));
        _app.MapGet("/fal-ai/app/requests/{id}/status", () => Results.Json(new { status = "IN_PROGRESS" }));
        _app.MapPut("/fal-ai/app/requests/{id}/cancel", async (HttpContext context) =>
        {
            _cancelReceived.TrySetResult();
            await _release.Task.WaitAsync(context.RequestAborted);
            return Results.Json(new { status = "CANCELLATION_REQUESTED" });
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dispose_WithACancelThatNeverAnswers_WaitsAboutOneDisposeTimeout(bool async)
    {
        var options = new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("hang-key"),
            QueueUrl = new Uri(_app.Urls.First() + "/"),
            PollInterval = TimeSpan.FromMilliseconds(20),
            DisposeTimeout = s_disposeTimeout,
        };
        var fal = new FalClient(options);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = fal.Submit("fal-ai/app", new { prompt = "x" }).Subscribe(
            status => running.TrySetResult(), _ => { });
        await running.Task.WaitAsync(s_bound);

        var watch = Stopwatch.StartNew();
        if (async)
        {
            await fal.DisposeAsync().AsTask().WaitAsync(s_bound);
        }
        else
        {
            await Task.Run(fal.Dispose).WaitAsync(s_bound);
        }

        var elapsed = watch.Elapsed;
        _cancelReceived.Task.IsCompleted.Should().BeTrue("disposal sent the cancel");
        elapsed.Should().BeGreaterThan(s_disposeTimeout * 0.75, "a cancel was pending: disposal waited for it");
        elapsed.Should().BeLessThan(s_disposeTimeout * 1.5, "the wait is at most one DisposeTimeout in all");
    }
}
