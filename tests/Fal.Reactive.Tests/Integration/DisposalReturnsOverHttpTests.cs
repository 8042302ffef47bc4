using System.Diagnostics;
using System.Reactive.Linq;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Emulator;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// How long disposal takes, on real threads over real HTTP against the emulator: at once when nothing is pending,
/// whatever thread or continuation disposes. DisposeTimeout is 30 s and the bound half of it, so a disposal that
/// waits out its timeout fails every time, and a slow machine does not.
/// </summary>
public sealed class DisposalReturnsOverHttpTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan s_disposeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_atOnce = s_disposeTimeout / 2;
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    private FalClient NewClient()
    {
        var options = fixture.Emulator.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(20);
        options.DisposeTimeout = s_disposeTimeout;
        return new FalClient(options);
    }

    // Task.Run: no synchronization context, as in a console app, so the code after the await runs inline where
    // the request completes (xUnit's context would post it elsewhere and hide the hang).
    [Fact]
    public Task SyncDispose_InTheContinuationOfAnAwaitedRequest_ReturnsAtOnce() => Task.Run(async () =>
    {
        var fal = NewClient();
        await fal.SubscribeAsync("emulator/echo", new { hello = "world" }).WaitAsync(s_bound);

        var elapsed = Time(fal.Dispose);

        elapsed.Should().BeLessThan(s_atOnce, "nothing was pending: the request had completed");
    });

    [Fact]
    public Task SyncDispose_InTheContinuationOfAFailedRequest_ReturnsAtOnce() => Task.Run(async () =>
    {
        var fal = NewClient();
        await fal.Invoking(f => f.SubscribeAsync("emulator/fail", new { status = 500 }))
            .Should().ThrowAsync<FalHttpException>();

        var elapsed = Time(fal.Dispose);

        elapsed.Should().BeLessThan(s_atOnce, "the failed request had ended");
    });

    [Fact]
    public Task UsingVar_AfterAForEachAsyncOverTheStatuses_ReturnsAtOnce() => Task.Run(async () =>
    {
        TimeSpan elapsed;
        var watch = new Stopwatch();
        {
            using var fal = NewClient();
            await fal.Submit("emulator/echo", new { hello = "world" }).ForEachAsync(_ => { }).WaitAsync(s_bound);
            watch.Start();
        }

        elapsed = watch.Elapsed;
        elapsed.Should().BeLessThan(s_atOnce);
    });

    [Fact]
    public async Task SyncDispose_FromAnotherThreadAfterTheRequest_ReturnsAtOnce()
    {
        var fal = NewClient();
        await fal.SubscribeAsync("emulator/echo", new { hello = "world" }).WaitAsync(s_bound);

        var elapsed = await Task.Run(() => Time(fal.Dispose));

        elapsed.Should().BeLessThan(s_atOnce);
    }

    [Fact]
    public Task SyncDispose_InASubscribersCallbackWhileTheRequestRuns_ReturnsAtOnce_AndTheRequestIsStillCancelledOnFal() => Task.Run(async () =>
    {
        var fal = NewClient();
        var disposed = new TaskCompletionSource<(string Id, TimeSpan Elapsed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<Exception>();
        fal.Submit("emulator/slow", new { run_seconds = 60 }).Subscribe(
            status =>
            {
                if (status is InProgress && !disposed.Task.IsCompleted)
                {
                    disposed.TrySetResult((status.RequestId, Time(fal.Dispose)));
                }
            },
            error => errors.Add(error));

        var (id, elapsed) = await disposed.Task.WaitAsync(s_bound);

        elapsed.Should().BeLessThan(s_atOnce, "the run in the callback can only send its cancel once the callback returns");
        await Eventually.Until(() => fixture.Emulator.Simulator.Requests.Single(r => r.RequestId == id).CancelRequested, "the cancel sent after the callback returned");
        await Eventually.Until(() => errors.Count == 1, "the disposal error");
        errors.Single().Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(id);
    });

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }
}
