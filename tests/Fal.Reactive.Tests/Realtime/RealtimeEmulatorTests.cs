using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Emulator;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>The realtime client over a real WebSocket against the in-process emulator (Kestrel on 127.0.0.1).</summary>
public class RealtimeEmulatorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    private FalEmulator Emulator => fixture.Emulator;

    private FalClient CreateClient() => new(Emulator.CreateClientOptions());

    private static FalRealtimeOptions Options(FalRealtimeFormat format = FalRealtimeFormat.MessagePack) => new()
    {
        Format = format,
        Reconnect = new FalRetryOptions { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    [Theory]
    [InlineData(FalRealtimeFormat.MessagePack)]
    [InlineData(FalRealtimeFormat.Json)]
    public async Task Echo_AnswersEveryInput_WithItsRequestId(FalRealtimeFormat format)
    {
        using var fal = CreateClient();
        var options = Options(format);
        // JSON goes to the echo's JSON-codec socket (as fal's e2e app's /realtime/json): fal's template reads msgpack.
        options.Path = format == FalRealtimeFormat.Json ? "/realtime/json" : "/realtime";
        using var connection = fal.Realtime("emulator/echo", options);
        var results = connection.Take(20).ToList().Timeout(s_deadline).ToTask();

        for (var i = 0; i < 20; i++)
        {
            connection.Send(new { prompt = "p" + i }, "id-" + i);
        }

        var answered = await results;
        answered.Select(r => r.RequestId).Should().Equal(Enumerable.Range(0, 20).Select(i => "id-" + i));
        answered.Select(r => r.Output.GetProperty("prompt").GetString()).Should().Equal(Enumerable.Range(0, 20).Select(i => "p" + i));
    }

    [Fact]
    public async Task ImageApp_AnswersAPrompt_WithAPngUrlTheEmulatorServes()
    {
        using var fal = CreateClient();
        using var connection = fal.Realtime("fal-ai/fast-lcm-diffusion", Options());
        var result = connection.FirstAsync().Timeout(s_deadline).ToTask();

        connection.Send(new { prompt = "a lighthouse at dusk" }, "img-1");

        var answer = await result;
        answer.RequestId.Should().Be("img-1");
        var url = answer.Output.GetProperty("images")[0].GetProperty("url").GetString()!;
        url.Should().StartWith(Emulator.CdnUrl.AbsoluteUri);
        var png = await fixture.Http.GetByteArrayAsync(url);
        png.Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
    }

    [Fact]
    public async Task TokenEndpoint_WantsAKey_AndIssuesATokenForTheAskedLifetime()
    {
        using var anonymous = new HttpClient();
        var tokens = new Uri(Emulator.RestUrl, "tokens/");
        var request = new { allowed_apps = new[] { "echo" }, token_expiration = 120 };

        using var refused = await anonymous.PostAsJsonAsync(tokens, request);
        using var issued = await fixture.Http.PostAsJsonAsync(tokens, request);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        issued.StatusCode.Should().Be(HttpStatusCode.Created);
        var token = await issued.Content.ReadFromJsonAsync<string>();
        var record = Emulator.Realtime.IssuedTokens.Single(t => t.Token == token);
        (record.ExpiresAt - record.IssuedAt).Should().Be(TimeSpan.FromSeconds(120));
        record.AllowedApps.Should().Equal("echo");
    }

    [Fact]
    public async Task ExpiredToken_GetsTheUnauthorizedFrame_ThenANormalClose()
    {
        using var issued = await fixture.Http.PostAsJsonAsync(new Uri(Emulator.RestUrl, "tokens/"), new { allowed_apps = new[] { "echo" }, token_expiration = 120 });
        var token = await issued.Content.ReadFromJsonAsync<string>();
        Emulator.Realtime.ExpireTokens();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(s_deadline);

        await socket.ConnectAsync(new Uri($"ws://{Emulator.BaseUrl.Authority}/_run/emulator/echo/realtime?fal_jwt_token={token}"), timeout.Token);
        var buffer = new byte[1024];
        var frame = await socket.ReceiveAsync(buffer, timeout.Token);
        var close = await socket.ReceiveAsync(buffer, timeout.Token);

        frame.MessageType.Should().Be(WebSocketMessageType.Text);
        Encoding.UTF8.GetString(buffer, 0, frame.Count).Should().Be("""{"status":"error","error":"Unauthorized"}""");
        close.MessageType.Should().Be(WebSocketMessageType.Close);
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task DroppedConnectionWithAnExpiredToken_ReconnectsAndReauthorizes_WithoutAnError()
    {
        using var fal = CreateClient();
        using var connection = fal.Realtime("emulator/echo", Options());
        var results = connection.Take(2).ToList().Timeout(s_deadline).ToTask();
        var first = connection.FirstAsync().Timeout(s_deadline).ToTask();
        connection.Send(new { prompt = "before" }, "before");
        await first;
        var opened = Emulator.Realtime.Connections.Count;

        Emulator.Realtime.ExpireTokens();
        Emulator.Realtime.DropConnections();
        // An input written to a socket that is dropping is lost (realtime inputs are frames): send once reconnected.
        await Eventually.Until(() => Emulator.Realtime.Connections.Skip(opened).Any(c => c.AppId == "emulator/echo" && c.IsOpen), "the connection to reopen", s_deadline);

        connection.Send(new { prompt = "after" }, "after");

        (await results).Select(r => r.RequestId).Should().Equal("before", "after");
        var later = Emulator.Realtime.Connections.Skip(opened).Where(c => c.AppId == "emulator/echo").ToList();
        later.Select(c => c.Refused).Should().Equal(true, false);
    }

    [Fact]
    public async Task MaxBuffering_TheAppKeepsOneWaitingInput_AndDropsTheOlderOnes()
    {
        // An app busy for 5 s with the first input: the nine others arrive while it works, so the count is exact.
        Emulator.Realtime.MapApp("tests/busy", input => input, TimeSpan.FromSeconds(5));
        using var fal = CreateClient();
        var options = Options();
        options.MaxBuffering = 1;
        using var connection = fal.Realtime("tests/busy", options);
        using var subscription = connection.Subscribe(_ => { });

        for (var i = 1; i <= 10; i++)
        {
            connection.Send(new { prompt = "frame " + i }, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var socket = await Eventually.NotNull(
            () => Emulator.Realtime.Connections.LastOrDefault(c => c.AppId == "tests/busy" && c.Inputs.Count == 10), "the ten inputs to reach the app", s_deadline);

        socket.MaxBuffering.Should().Be(1);
        socket.Inputs.Should().HaveCount(10);
        socket.DroppedCount.Should().Be(8, "one input in progress, one waiting, eight dropped for newer ones");
    }

    [Fact]
    public async Task UnknownApp_EndsWithConnectionClosed_NamingTheApp()
    {
        using var fal = CreateClient();
        var options = Options();
        options.Reconnect = new FalRetryOptions { MaxRetries = 0 };
        using var connection = fal.Realtime("fal-ai/no-such-app", options);

        var act = () => connection.FirstAsync().Timeout(s_deadline).ToTask();

        (await act.Should().ThrowAsync<FalRealtimeConnectionClosedException>()).Which.AppId.Should().Be("fal-ai/no-such-app");
    }

    [Fact]
    public async Task EmulatorStopping_DropsTheSocket_AndTheClientReportsTheClose()
    {
        var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });
        using var fal = new FalClient(emulator.CreateClientOptions());
        var options = Options();
        options.Reconnect = new FalRetryOptions { MaxRetries = 0 };
        using var connection = fal.Realtime("emulator/echo", options);
        var ended = connection.Materialize().Where(n => n.Kind != System.Reactive.NotificationKind.OnNext).FirstAsync().Timeout(s_deadline).ToTask();
        var first = connection.FirstAsync().Timeout(s_deadline).ToTask();
        connection.Send(new { prompt = "x" }, "x");
        await first;

        await emulator.DisposeAsync();

        (await ended).Exception.Should().BeOfType<FalRealtimeConnectionClosedException>().Which.AppId.Should().Be("emulator/echo");
    }

    [Fact]
    public async Task Disposal_ClosesTheWebSocketNormally()
    {
        using var fal = CreateClient();
        var connection = fal.Realtime("emulator/echo", Options());
        var first = connection.FirstAsync().Timeout(s_deadline).ToTask();
        var subscription = connection.Subscribe(_ => { });
        connection.Send(new { prompt = "x" }, "disposal-test");
        await first;
        var socket = Emulator.Realtime.Connections.Last(c => c.Inputs.Any(i => i.GetProperty("request_id").GetString() == "disposal-test"));

        subscription.Dispose();

        await Eventually.Until(() => !socket.IsOpen, "the socket to close after disposal", s_deadline);

        socket.ClosedByClient.Should().BeTrue();
        socket.CloseStatus.Should().Be(1000);
    }
}
