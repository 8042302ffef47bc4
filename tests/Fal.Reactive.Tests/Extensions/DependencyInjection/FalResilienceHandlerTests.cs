using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;

namespace Fal.Reactive.Tests.Extensions.DependencyInjection;

/// <summary>
/// The documented combination with AddStandardResilienceHandler: client retries off, the handler retries
/// (but never a submit). Each test maps its own app on the shared emulator, so call counts are its own.
/// </summary>
public sealed class FalResilienceHandlerTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const int HandlerRetries = 2;
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    private IHost Host(int clientRetries)
    {
        var settings = FalServiceCollectionExtensionsTests.EmulatorSettings(fixture.Emulator);
        settings["Fal:Retry:MaxRetries"] = clientRetries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = FalServiceCollectionExtensionsTests.BuildHost(settings, services => services
            .AddFalClient()
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = HandlerRetries;
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.DisableFor(HttpMethod.Post);   // a re-sent submit is a second paid request
            }));
        return host;
    }

    private async Task<(Exception Error, IReadOnlyList<FalRecordedCall> Calls)> RunFailing(string app, FalCallKind kind, int clientRetries)
    {
        fixture.Emulator.Simulator.MapApp(app, FalAppScript.Succeed(new { ok = true }).WithFailures(kind, 100, 503));
        using var host = Host(clientRetries);
        await host.StartAsync();
        var fal = host.Services.GetRequiredService<FalClient>();

        var error = await Record.ExceptionAsync(() => fal.Submit(app, new { }).Timeout(s_bound).ToTask());

        await fal.WhenCancellationsSentAsync().WaitAsync(s_bound);
        await host.StopAsync();
        return (error!, fixture.Emulator.Simulator.Calls.Where(c => c.Url.AbsolutePath.Contains(app.Split('/')[1], StringComparison.Ordinal) && c.Kind == kind).ToList());
    }

    [Fact]
    public async Task FailingStatus_ClientRetriesOff_IsTriedOnlyByTheHandler()
    {
        var (error, calls) = await RunFailing("di/status-off", FalCallKind.Status, clientRetries: 0);

        error.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(503);
        calls.Should().HaveCount(1 + HandlerRetries);
    }

    [Fact]
    public async Task FailingStatus_BothRetrying_MultipliesTheCalls()
    {
        // Why the guide turns the client's retries off: each client retry goes through the handler's.
        var (error, calls) = await RunFailing("di/status-both", FalCallKind.Status, clientRetries: 1);

        error.Should().BeOfType<FalHttpException>();
        calls.Should().HaveCount(2 * (1 + HandlerRetries));
    }

    [Fact]
    public async Task FailingSubmit_IsSentOnce()
    {
        var (error, calls) = await RunFailing("di/submit-once", FalCallKind.Submit, clientRetries: 0);

        error.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(503);
        calls.Should().ContainSingle();
    }
}
