using BlazorRequests.Components.Realtime;
using Fal.Reactive.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Reactive.Testing;

namespace BlazorRequests.Tests;

/// <summary>The realtime mode on bUnit's renderer, with the test kit's realtime simulator in virtual time.</summary>
public sealed class RealtimePanelTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly TestScheduler _scheduler = new();
    private readonly FalRealtimeSimulator _simulator;
    private readonly Fal.Reactive.FalClient _client;

    public RealtimePanelTests()
    {
        _simulator = new FalRealtimeSimulator(_scheduler).MapApp(
            SampleBackend.DefaultRealtimeApp,
            input => new { images = new[] { new { url = $"https://v3.fal.media/files/{input.GetProperty("prompt").GetString()}.png" } }, prompt = input.GetProperty("prompt").GetString() },
            processingTime: TimeSpan.FromMilliseconds(60));
        _client = _simulator.CreateClient();
        _context.Services.AddSingleton(new SampleBackend(_client, "the realtime simulator"));
    }

    [Fact]
    public async Task Typing_is_paced_to_one_input_per_128_ms_and_the_image_follows_the_last()
    {
        var panel = _context.Render<RealtimePanel>();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks); // token, then the socket

        foreach (var text in new[] { "a", "a r", "a re", "a red", "a red kite" }) // one burst of typing
        {
            await panel.InvokeAsync(() => panel.Instance.Type(text));
        }

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        var inputs = _simulator.Connections.Should().ContainSingle().Subject.Inputs.Select(i => i.GetProperty("prompt").GetString());
        inputs.Should().Equal("a", "a red kite"); // the first at once, then the latest when 128 ms have passed
        panel.Find("#realtime-image").GetAttribute("src").Should().Be("https://v3.fal.media/files/a red kite.png");
        panel.Find(".realtime-prompt").TextContent.Should().StartWith("a red kite");
    }

    [Fact]
    public async Task Switching_the_mode_off_closes_the_connection()
    {
        _context.Render<RealtimePanel>();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        _simulator.Connections.Should().ContainSingle().Which.IsOpen.Should().BeTrue();

        await _context.DisposeComponentsAsync();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        _simulator.Connections.Single().IsOpen.Should().BeFalse();
        _simulator.Connections.Single().ClosedByClient.Should().BeTrue();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _client.Dispose();
    }
}
