using System.Net;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Emulator;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>
/// fal's realtime rules over real WebSockets against the in-process emulator (Kestrel on 127.0.0.1): the frames
/// fal's template (fal/realtime.py) sends, read by our client and by a bare <see cref="ClientWebSocket"/>.
/// </summary>
public class RealtimeEmulatorFalRulesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Key = "emulator-test-key";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    private FalEmulator Emulator => fixture.Emulator;

    private FalClient CreateClient() => new(Emulator.CreateClientOptions());

    private Uri Socket(string appPath) => new($"ws://{Emulator.BaseUrl.Authority}/_run/{appPath}");

    [Fact]
    public async Task AppError_IsAnInternalErrorTextFrame_ThenANormalClose_EvenForMsgpackInput()
    {
        // fal's template: send_json({"type":"x-fal-error","error":"INTERNAL_ERROR","reason":str(exc)}), then close().
        Emulator.Realtime.MapApp("tests/crashing", _ => throw new InvalidOperationException("out of memory"));
        using var socket = await OpenAsync("tests/crashing/realtime");
        using var timeout = new CancellationTokenSource(s_deadline);

        await socket.SendAsync(MessagePack.MessagePackSerializer.ConvertFromJson("""{"prompt":"x"}"""), WebSocketMessageType.Binary, true, timeout.Token);
        var (type, text) = await ReceiveAsync(socket, timeout.Token);
        var close = await ReceiveAsync(socket, timeout.Token);

        type.Should().Be(WebSocketMessageType.Text, "fal sends every x-fal-* frame as JSON text, whatever the input's format");
        text.Should().Be("""{"type":"x-fal-error","error":"INTERNAL_ERROR","reason":"out of memory"}""");
        close.Type.Should().Be(WebSocketMessageType.Close);
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task AppError_ReachesOurClient_AsATypedErrorNamingTheApp()
    {
        using var fal = CreateClient();
        using var connection = fal.Realtime("emulator/fail");
        var ended = connection.Materialize().FirstAsync().Timeout(s_deadline).ToTask();

        connection.Send(new { prompt = "x" }, "r-1");

        var error = (await ended).Exception.Should().BeOfType<FalRealtimeException>().Subject;
        (error.AppId, error.Error, error.Reason).Should().Be(("emulator/fail", "INTERNAL_ERROR", "emulator/fail fails every realtime input, as asked"));
    }

    [Fact]
    public async Task TextInputFrame_IsRefusedWithAnInternalError_ThenANormalClose()
    {
        // fal's template reads with websocket.receive_bytes(): a text frame fails (KeyError 'bytes') and ends the session.
        using var socket = await OpenAsync("emulator/echo/realtime");
        using var timeout = new CancellationTokenSource(s_deadline);

        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"prompt":"as text"}"""), WebSocketMessageType.Text, true, timeout.Token);
        var (type, text) = await ReceiveAsync(socket, timeout.Token);
        var close = await ReceiveAsync(socket, timeout.Token);

        type.Should().Be(WebSocketMessageType.Text);
        JsonDocument.Parse(text!).RootElement.GetProperty("error").GetString().Should().Be("INTERNAL_ERROR");
        close.Type.Should().Be(WebSocketMessageType.Close);
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task Echo_KeepsMsgpackBin_AsBin()
    {
        // fal's template unpacks bin to bytes and packs bytes as bin (use_bin_type=True): nothing goes through JSON.
        using var socket = await OpenAsync("emulator/echo/realtime");
        using var timeout = new CancellationTokenSource(s_deadline);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteMapHeader(1);
        writer.Write("image");
        writer.Write(new byte[] { 0, 1, 254, 255 });
        writer.Flush();

        await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Binary, true, timeout.Token);
        var (type, _, bytes) = await ReceiveBytesAsync(socket, timeout.Token);

        type.Should().Be(WebSocketMessageType.Binary);
        var reader = new MessagePack.MessagePackReader(bytes);
        reader.ReadMapHeader().Should().Be(1);
        reader.ReadString().Should().Be("image");
        reader.NextMessagePackType.Should().Be(MessagePack.MessagePackType.Binary);
    }

    [Fact]
    public async Task ByteArrayProperty_RoundTripsThroughTheEcho_OverARealWebSocket()
    {
        using var fal = CreateClient();
        using var connection = fal.Realtime<RealtimeFalRulesTests.BytesMessage, RealtimeFalRulesTests.BytesMessage>("emulator/echo");
        var result = connection.FirstAsync().Timeout(s_deadline).ToTask();
        byte[] data = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF];

        connection.Send(new RealtimeFalRulesTests.BytesMessage("png", data));

        (await result).Output.Data.Should().Equal(data);
    }

    [Fact]
    public async Task HeaderAuth_OurClientConnectsWithTheKeyHeader_AndNoToken()
    {
        // fal_client's realtime(use_jwt=False).
        using var fal = CreateClient();
        using var connection = fal.Realtime("emulator/echo", new FalRealtimeOptions { UseTemporaryToken = false });
        var result = connection.FirstAsync().Timeout(s_deadline).ToTask();
        var tokensBefore = Emulator.Realtime.IssuedTokens.Count;

        connection.Send(new { prompt = "header" }, "h-1");

        (await result).RequestId.Should().Be("h-1");
        Emulator.Realtime.IssuedTokens.Count.Should().Be(tokensBefore, "no token is fetched");
        Emulator.Realtime.Connections.Should().Contain(c => c.HeaderAuth && c.Token == null && c.Url.Query.Length == 0);
    }

    [Fact]
    public async Task OtherSocketPath_IsServed_WithHeaderAuth_AndAnUnknownOneIs404()
    {
        // fal_client's ws_connect(app, path="ws", use_jwt=False) opens wss://fal.run/{app}/ws: a path the app declares.
        using var socket = await OpenAsync("emulator/echo/ws");
        using var timeout = new CancellationTokenSource(s_deadline);
        await socket.SendAsync(MessagePack.MessagePackSerializer.ConvertFromJson("""{"prompt":"ws"}"""), WebSocketMessageType.Binary, true, timeout.Token);
        var (type, _, bytes) = await ReceiveBytesAsync(socket, timeout.Token);
        using var missing = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        missing.Options.SetRequestHeader("Authorization", "Key " + Key);

        var refused = async () => await missing.ConnectAsync(Socket("emulator/echo/nothing-here"), timeout.Token);

        type.Should().Be(WebSocketMessageType.Binary);
        MessagePack.MessagePackSerializer.ConvertToJson(bytes).Should().Be("""{"prompt":"ws"}""");
        await refused.Should().ThrowAsync<WebSocketException>();
        missing.HttpStatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IdleTimeout_SendsTheTimeoutTextFrame_AndOurClientReconnectsOnTheNextInput()
    {
        // Long enough that the first input reaches the app before its idle clock runs out on a loaded machine (an
        // input racing fal's idle close is lost, as on fal), short enough to wait for.
        Emulator.Realtime.MapApp("tests/idle", input => input, new FalRealtimeAppOptions { SessionTimeout = TimeSpan.FromSeconds(1.5), EmitTimings = true });
        using var fal = CreateClient();
        using var connection = fal.Realtime("tests/idle");
        var results = connection.Take(2).Replay();
        using var subscription = results.Connect();

        connection.Send(new { prompt = "before" }, "1");
        (await results.FirstAsync().Timeout(s_deadline)).RequestId.Should().Be("1");
        await WaitUntilAsync(() => Emulator.Realtime.Connections.Any(c => c.AppId == "tests/idle" && c.EndedWithError == "TIMEOUT" && !c.IsOpen));
        connection.Send(new { prompt = "after" }, "2");

        (await results.ToList().Timeout(s_deadline)).Select(r => r.RequestId).Should().Equal("1", "2");
        Emulator.Realtime.Connections.Count(c => c.AppId == "tests/idle").Should().Be(2);
    }

    [Fact]
    public async Task CustomCodec_TalksToAnAppWithFalsJsonCodec()
    {
        using var fal = CreateClient();
        using var connection = fal.Realtime("emulator/echo", new FalRealtimeOptions { Codec = new Utf8JsonCodec(), Path = "/realtime/json" });
        var result = connection.FirstAsync().Timeout(s_deadline).ToTask();

        connection.Send(new { prompt = "json codec" }, "j");

        (await result).Output.GetProperty("prompt").GetString().Should().Be("json codec");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(s_deadline);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private async Task<ClientWebSocket> OpenAsync(string appPath)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Key " + Key);
        using var timeout = new CancellationTokenSource(s_deadline);
        await socket.ConnectAsync(Socket(appPath), timeout.Token);
        return socket;
    }

    private static async Task<(WebSocketMessageType Type, string? Text)> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var (type, text, _) = await ReceiveBytesAsync(socket, ct);
        return (type, text);
    }

    private static async Task<(WebSocketMessageType Type, string? Text, byte[] Bytes)> ReceiveBytesAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var frame = await socket.ReceiveAsync(buffer, ct);
        var bytes = buffer.AsSpan(0, frame.Count).ToArray();
        return (frame.MessageType, frame.MessageType == WebSocketMessageType.Text ? Encoding.UTF8.GetString(bytes) : null, bytes);
    }

    private sealed class Utf8JsonCodec : IFalRealtimeCodec
    {
        public byte[] Encode(JsonElement input) => Encoding.UTF8.GetBytes(input.GetRawText());

        public JsonElement Decode(ReadOnlyMemory<byte> frame)
        {
            using var document = JsonDocument.Parse(frame);
            return document.RootElement.Clone();
        }
    }
}
