using System.Net;
using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Emulator;
using Fal.Reactive.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Fal.Reactive.Tests.Extensions.DependencyInjection;

/// <summary>
/// The lifetime AddFalClient gives the client: one per app, over real HTTP (an ASP.NET Core app on Kestrel and the
/// emulator), disposed by the container at shutdown.
/// </summary>
[Collection(EnvironmentVariablesDefinition.Name)]
public sealed class FalClientLifetimeTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ARequestStartedByAnEndpointThatReturns202_CompletesOnFal_AfterTheHttpRequestEnded()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(FalServiceCollectionExtensionsTests.EmulatorSettings(fixture.Emulator));
        builder.Services.AddFalClient();
        await using var app = builder.Build();
        var tag = Guid.NewGuid().ToString("N");
        // Fire and forget: the endpoint answers before the request runs (emulator/slow runs for a second).
        app.MapPost("/renders", (FalClient fal) =>
        {
            fal.Submit("emulator/slow", new { run_seconds = 1, tag }).Subscribe(_ => { }, _ => { });
            return Results.Accepted();
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using (var response = await http.PostAsync(new Uri("/renders", UriKind.Relative), null))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var answered = DateTimeOffset.UtcNow;
        var request = await Eventually.NotNull(
            () => fixture.Emulator.Simulator.Requests.SingleOrDefault(r => r.Input.TryGetProperty("tag", out var t) && t.GetString() == tag && r.State == FalSimulatedRequestState.Completed),
            "the request the endpoint started to complete on fal");
        request.CancelRequested.Should().BeFalse("the end of the HTTP request (its scope) must not cancel it");
        request.CompletedAt.Should().BeAfter(answered, "it ran on after the endpoint's response");
        await app.StopAsync();
    }

    [Fact]
    public async Task EveryScopeGetsTheSameClient_AndTheContainerDisposesIt_CancellingWhatStillRuns()
    {
        var settings = FalServiceCollectionExtensionsTests.EmulatorSettings(fixture.Emulator);
        settings["Fal:DisposeTimeout"] = "00:00:15";
        var host = FalServiceCollectionExtensionsTests.BuildHost(settings, s => s.AddFalClient());
        await host.StartAsync();
        FalClient fal;
        using (var one = host.Services.CreateScope())
        using (var two = host.Services.CreateScope())
        {
            fal = one.ServiceProvider.GetRequiredService<FalClient>();
            two.ServiceProvider.GetRequiredService<FalClient>().Should().BeSameAs(fal);
        }

        var running = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = fal.Submit("emulator/slow", new { run_seconds = 60 })
            .Subscribe(s => running.TrySetResult(s.RequestId), e => ended.TrySetResult(e));
        var id = await running.Task.WaitAsync(s_bound);
        ended.Task.IsCompleted.Should().BeFalse("the scopes ending left the request running");

        await host.StopAsync();
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(s_bound);

        (await ended.Task.WaitAsync(s_bound)).Should().BeOfType<FalClientDisposedException>().Which.RequestId.Should().Be(id);
        fixture.Emulator.Simulator.Requests.Single(r => r.RequestId == id).CancelRequested.Should().BeTrue("disposal waited for the cancel");
    }

    [Fact]
    public async Task TheFactorysPerCallHttpLogging_IsOffForTheClient_ItsOwnEventsRemain()
    {
        using var logs = new FakeLoggerProvider();
        using var host = FalServiceCollectionExtensionsTests.BuildHost(FalServiceCollectionExtensionsTests.EmulatorSettings(fixture.Emulator), s =>
        {
            s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
            s.AddFalClient();
        });
        await host.StartAsync();

        await host.Services.GetRequiredService<FalClient>().SubscribeAsync("emulator/echo", new { hello = "logs" }).WaitAsync(s_bound);

        var records = logs.Collector.GetSnapshot();
        records.Should().NotContain(r => r.Category != null && r.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        records.Select(r => r.Id.Name).Should().Contain(["Submitted", "Completed"]);
        await host.StopAsync();
    }
}
