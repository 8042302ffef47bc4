using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Emulator;
using Fal.Reactive.Extensions.DependencyInjection;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Emulator;
using Fal.Reactive.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Fal.Reactive.Tests.Extensions.DependencyInjection;

/// <summary>
/// AddFalClient in a generic host: configuration binding, validation at start, and the client over real HTTP
/// against the emulator through IHttpClientFactory.
/// </summary>
[Collection(EnvironmentVariablesDefinition.Name)]
public sealed class FalServiceCollectionExtensionsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Secret = "di-secret-0123456789";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    private static readonly string[] s_variables =
    [
        FalCredentials.KeyVariable, FalCredentials.KeyIdVariable, FalCredentials.KeySecretVariable,
        "FAL_EMULATOR_URL", "FAL_RUN_HOST", "FAL_QUEUE_RUN_HOST",
    ];

    internal static IHost BuildHost(IDictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder.Services);
        return builder.Build();
    }

    internal static Dictionary<string, string?> EmulatorSettings(FalEmulator emulator) => new()
    {
        ["Fal:Key"] = Secret,
        ["Fal:QueueUrl"] = emulator.QueueUrl.ToString(),
        ["Fal:RunUrl"] = emulator.RunUrl.ToString(),
        ["Fal:RestUrl"] = emulator.RestUrl.ToString(),
        ["Fal:PollInterval"] = "00:00:00.020",
        ["Fal:Retry:Delay"] = "00:00:00.010",
    };

    [Fact]
    public void FalSection_IsBound_KeyHostsPollIntervalAndRetry()
    {
        var settings = EmulatorSettings(fixture.Emulator);
        settings["Fal:Retry:MaxRetries"] = "7";
        using var host = BuildHost(settings, s => s.AddFalClient());

        var options = host.Services.GetRequiredService<IOptions<FalServiceOptions>>().Value;

        options.QueueUrl.Should().Be(fixture.Emulator.QueueUrl);
        options.RunUrl.Should().Be(fixture.Emulator.RunUrl);
        options.RestUrl.Should().Be(fixture.Emulator.RestUrl);
        options.PollInterval.Should().Be(TimeSpan.FromMilliseconds(20));
        options.Retry.MaxRetries.Should().Be(7);
        options.Credentials.Should().NotBeNull();
        options.Credentials!.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public async Task ResolvedClient_RunsARequestThroughTheHttpClientFactory()
    {
        using var host = BuildHost(EmulatorSettings(fixture.Emulator), s => s.AddFalClient());
        await host.StartAsync();

        var fal = host.Services.GetRequiredService<FalClient>();
        var statuses = await fal.Submit("emulator/echo", new { hello = "di" }).Timeout(s_bound).ToList().ToTask();

        statuses[^1].Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("hello").GetString().Should().Be("di");
        await host.StopAsync();
    }

    [Fact]
    public async Task ResolvedClient_LogsAndMeasuresThroughTheHostsFactories()
    {
        using var logs = new FakeLoggerProvider();
        using var host = BuildHost(EmulatorSettings(fixture.Emulator), s =>
        {
            s.AddLogging(b => b.AddProvider(logs));
            s.AddFalClient();
        });
        await host.StartAsync();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, FalTelemetry.MeterName, "fal.client.requests");

        var fal = host.Services.GetRequiredService<FalClient>();
        await fal.Submit("emulator/echo", new { hello = "telemetry" }).Timeout(s_bound).LastAsync().ToTask();

        var options = host.Services.GetRequiredService<IOptions<FalServiceOptions>>().Value;
        options.LoggerFactory.Should().BeSameAs(host.Services.GetRequiredService<ILoggerFactory>());
        options.MeterFactory.Should().BeSameAs(meters);
        requests.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags.Should().Contain(new KeyValuePair<string, object?>("fal.outcome", "completed"));
        logs.Collector.GetSnapshot().Select(r => r.Id.Name).Should().Contain(["Submitted", "Completed"]);
        logs.Collector.GetSnapshot().Should().NotContain(r => r.Message.Contains(Secret));
        await host.StopAsync();
    }

    [Fact]
    public void ConfigureDelegate_RunsAfterBinding()
    {
        using var host = BuildHost(EmulatorSettings(fixture.Emulator), s => s.AddFalClient(o => o.PollInterval = TimeSpan.FromSeconds(3)));

        host.Services.GetRequiredService<IOptions<FalServiceOptions>>().Value.PollInterval.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void GivenSection_IsBoundInsteadOfFal()
    {
        var settings = new Dictionary<string, string?> { ["Other:Key"] = Secret, ["Other:PollInterval"] = "00:00:01" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = BuildHost(settings, s => s.AddFalClient(configuration.GetSection("Other")));

        host.Services.GetRequiredService<IOptions<FalServiceOptions>>().Value.PollInterval.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(null, FalClientOptions.DefaultMaxConnectionsPerServer)]
    [InlineData("7", 7)]
    public void ThePrimaryHandler_CapsConnectionsAtFalMaxConnectionsPerServer(string? configured, int expected)
    {
        var settings = EmulatorSettings(fixture.Emulator);
        if (configured is not null)
        {
            settings["Fal:MaxConnectionsPerServer"] = configured;
        }

        using var host = BuildHost(settings, s => s.AddFalClient());

        HttpMessageHandler? handler = host.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(FalServiceCollectionExtensions.HttpClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        handler.Should().BeOfType<SocketsHttpHandler>().Which.MaxConnectionsPerServer.Should().Be(expected);
    }

    [Fact]
    public void AConnectionCapBelowOne_StopsTheHostAtStart()
    {
        var settings = EmulatorSettings(fixture.Emulator);
        settings["Fal:MaxConnectionsPerServer"] = "0";
        using var host = BuildHost(settings, s => s.AddFalClient());

        host.Invoking(h => h.Start()).Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Fal:MaxConnectionsPerServer");
    }

    [Fact]
    public void NoKeyAnywhere_StartFails_NamingWhereToPutOne()
    {
        using var _ = EnvironmentScope.Without(s_variables);
        using var host = BuildHost(new Dictionary<string, string?>(), s => s.AddFalClient());

        var start = () => host.Start();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Fal:Key").And.Contain("FAL_KEY");
    }

    [Fact]
    public async Task WithNoConfiguration_FalKeyAndFalEmulatorUrl_AreEnough_TheEmulatorServesTheRequestUnderThatKey()
    {
        // An emulator that accepts only this key: a request it completes was sent with it.
        await using var keyed = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 1, Keys = [Secret] });
        using var _ = EnvironmentScope.With(s_variables.Select(n => (n, n switch
        {
            FalCredentials.KeyVariable => Secret,
            "FAL_EMULATOR_URL" => keyed.BaseUrl.ToString(),
            _ => null,
        })).ToArray());
        using var host = BuildHost(new Dictionary<string, string?>(), s => s.AddFalClient());
        await host.StartAsync();

        var output = await host.Services.GetRequiredService<FalClient>().SubscribeAsync("emulator/echo", new { tag = "from-env" }).WaitAsync(s_bound);

        output.GetProperty("tag").GetString().Should().Be("from-env");
        var request = keyed.Simulator.Requests.Should().ContainSingle().Which;
        request.State.Should().Be(FalSimulatedRequestState.Completed);
        request.Input.GetProperty("tag").GetString().Should().Be("from-env");
        await host.StopAsync();
    }

    [Fact]
    public void BadSettings_StartFails_ListingEachWithoutTheKey()
    {
        using var _ = EnvironmentScope.Without(s_variables);
        var settings = new Dictionary<string, string?>
        {
            ["Fal:Key"] = "has a space " + Secret,
            ["Fal:QueueUrl"] = "ftp://example.com/",
            ["Fal:PollInterval"] = "-00:00:01",
            ["Fal:Retry:MaxRetries"] = "-1",
        };
        using var host = BuildHost(settings, s => s.AddFalClient());

        var start = () => host.Start();

        var message = start.Should().Throw<OptionsValidationException>().Which.Message;
        message.Should().Contain("Fal:Key").And.Contain("Fal:QueueUrl").And.Contain("Fal:PollInterval").And.Contain("Fal:Retry:MaxRetries");
        message.Should().NotContain(Secret);
    }

    [Fact]
    public void MalformedHostVariable_StartFails_NamingIt()
    {
        using var _ = EnvironmentScope.With(s_variables.Select(n => (n, n == "FAL_EMULATOR_URL" ? "not a url" : null)).ToArray());
        using var host = BuildHost(new Dictionary<string, string?> { ["Fal:Key"] = Secret }, s => s.AddFalClient());

        var start = () => host.Start();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("FAL_EMULATOR_URL");
    }
}
