using System.Text;
using System.Text.Json;
using Fal.Reactive.Testing;
using static Fal.Reactive.Tests.Realtime.RealtimeHarness;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>
/// The realtime rules of fal's server-side template (fal/realtime.py) and fal_client's realtime client, in virtual
/// time against the simulator: idle timeout, timings, header auth, bytes, custom codecs.
/// </summary>
public class RealtimeFalRulesTests
{
    [Fact]
    public void IdleTimeout_TheTimeoutFrameIsNoError_AndTheNextInputReconnects()
    {
        // fal's template: no input for session_timeout → {"type":"x-fal-error","error":"TIMEOUT",…} (text) and a normal
        // close; fal-js ignores TIMEOUT and reconnects on the next send.
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Idle);
        rt.At(1, () => connection.Send(Prompt("first"), "a"));
        rt.At(5, () => connection.Send(Prompt("second"), "b"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Select(m => m.Value.Kind).Should().Equal(System.Reactive.NotificationKind.OnNext, System.Reactive.NotificationKind.OnNext);
        observer.Messages.Select(m => m.Value.Value.RequestId).Should().Equal("a", "b");
        rt.Simulator.Connections.Should().HaveCount(2);
        rt.Simulator.Connections[0].EndedWithError.Should().Be("TIMEOUT");
        rt.Simulator.Connections[0].CloseStatus.Should().Be(1000);
    }

    [Fact]
    public void TimingsMetaMessages_AreSkipped()
    {
        // fal's emit_timings: {"type":"x-fal-message","action":"timings","timing":…} after each result (text); fal_client skips x-fal-message.
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Idle);
        rt.At(1, () => connection.Send(Prompt("one"), "1"));
        rt.At(1.2, () => connection.Send(Prompt("two"), "2"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(1.5));

        observer.Messages.Select(m => m.Value.Value.RequestId).Should().Equal("1", "2");
    }

    [Fact]
    public void HeaderAuth_SendsTheKeyInTheAuthorizationHeader_AndFetchesNoToken()
    {
        // fal_client's realtime(use_jwt=False): Authorization header at the handshake, no fal_jwt_token in the URL.
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { UseTemporaryToken = false });
        rt.At(1, () => connection.Send(Prompt("by header"), "h"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("h");
        rt.Simulator.IssuedTokens.Should().BeEmpty();
        var socket = rt.Simulator.Connections.Should().ContainSingle().Subject;
        socket.HeaderAuth.Should().BeTrue();
        socket.Token.Should().BeNull();
        socket.Url.Query.Should().NotContain("fal_jwt_token").And.NotContain(Key);
    }

    [Fact]
    public void HeaderAuth_WithAKeyFalRefuses_EndsWithUnauthorized_AtOnce()
    {
        using var rt = new RealtimeHarness(new FalRealtimeSimulatorOptions { AcceptedKeys = ["another-key"] });
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { UseTemporaryToken = false });

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeUnauthorizedException>().Subject;
        error.AppId.Should().Be(Echo);
        error.Message.Should().NotContain(Key);
        rt.Simulator.Connections.Should().BeEmpty("the handshake was refused");
    }

    [Fact]
    public void HeaderAuth_WithATokenProvider_IsRefusedAtTheCall()
    {
        using var rt = new RealtimeHarness();

        var act = () => rt.Client.Realtime(Echo, new FalRealtimeOptions { UseTemporaryToken = false, TokenProvider = (_, _) => Task.FromResult("t") });

        act.Should().Throw<ArgumentException>().WithMessage("*UseTemporaryToken*");
    }

    [Fact]
    public void ByteArrays_TravelAsMessagePackBin_BothWays()
    {
        // fal's template packs with use_bin_type=True and unpacks bin to bytes: the app sees bytes, not base64 text.
        using var rt = new RealtimeHarness();
        object? seen = null;
        rt.Simulator.MapMessagePackApp("fal-ai/bytes-seen", input => seen = input);
        using var connection = rt.Client.Realtime<BytesMessage, BytesMessage>("fal-ai/bytes-seen");
        rt.At(1, () => connection.Send(new BytesMessage("png", [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().ContainSingle().Which.Value.Value.Output.Data.Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF);
        seen.Should().BeAssignableTo<IDictionary<object, object>>().Which["data"].Should().BeOfType<byte[]>();
    }

    [Fact]
    public void CustomCodec_EncodesEveryInput_AndDecodesEveryBinaryResult()
    {
        // fal_client's encode_message/decode_message, fal-js's encodeMessage/decodeMessage; fal's e2e app at /realtime/json.
        using var rt = new RealtimeHarness();
        var codec = new CountingJsonCodec();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { Codec = codec, Path = "/realtime/json" });
        rt.At(1, () => connection.Send(Prompt("custom"), "c1"));
        rt.At(2, () => connection.Send(Prompt("codec"), "c2"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Select(m => PromptOf(m.Value.Value)).Should().Equal("custom", "codec");
        (codec.Encoded, codec.Decoded).Should().Be((2, 2));
        rt.Simulator.Connections[0].TextInputCount.Should().Be(0, "a codec's frames go out binary");
    }

    [Fact]
    public void CustomCodecThatThrows_EndsWithAProtocolError()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { Codec = new CountingJsonCodec { FailDecoding = true }, Path = "/realtime/json" });
        rt.At(1, () => connection.Send(Prompt("x"), "x"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalProtocolException>().Which.Message.Should().Contain(Echo).And.Contain("decoder broke");
    }

    public sealed record BytesMessage(string Name, byte[] Data);

    private sealed class CountingJsonCodec : IFalRealtimeCodec
    {
        private int _encoded;
        private int _decoded;

        public int Encoded => _encoded;

        public int Decoded => _decoded;

        public bool FailDecoding { get; init; }

        public byte[] Encode(JsonElement input)
        {
            Interlocked.Increment(ref _encoded);
            return Encoding.UTF8.GetBytes(input.GetRawText());
        }

        public JsonElement Decode(ReadOnlyMemory<byte> frame)
        {
            Interlocked.Increment(ref _decoded);
            if (FailDecoding)
            {
                throw new FormatException("decoder broke");
            }

            using var document = JsonDocument.Parse(frame);
            return document.RootElement.Clone();
        }
    }
}
