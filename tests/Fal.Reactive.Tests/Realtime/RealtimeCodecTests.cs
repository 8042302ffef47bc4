using System.Text;
using System.Text.Json;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>Realtime frames: msgpack or JSON out (binary frames), and how each frame is read, as fal_client reads it.</summary>
public class RealtimeCodecTests
{
    private static readonly JsonSerializerOptions s_binAware = new(FalJson.ReflectionOptions) { Converters = { new RealtimeBytes() } };

    private static JsonElement Decode(byte[] frame) => RealtimeCodec.Read(new RealtimeFrame(RealtimeFrameKind.Binary, frame), MessagePackRealtimeCodec.Instance).Message;

    [Fact]
    public void MessagePackInput_IsABinaryMap_ThatReadsBackToTheSameJson()
    {
        var frame = RealtimeCodec.EncodeInput(new { prompt = "a cat", steps = 4, strength = 0.5 }, typeof(object), "r-1", FalJson.ReflectionOptions, MessagePackRealtimeCodec.Instance);

        (frame[0] & 0xF0).Should().Be(0x80, "a msgpack fixmap");
        Decode(frame).GetRawText()
            .Should().Be("""{"prompt":"a cat","steps":4,"strength":0.5,"request_id":"r-1"}""");
    }

    [Fact]
    public void MessagePackInput_KeepsEscapesUnicodeAndNumbers()
    {
        var input = new { prompt = "a \"quoted\" cat\nnext line é 猫 🐱", big = 9007199254740993L, negative = -3, ratio = 1e-7, on = true, none = (string?)null };

        var frame = RealtimeCodec.EncodeInput(input, input.GetType(), null, FalJson.ReflectionOptions, MessagePackRealtimeCodec.Instance);
        var back = Decode(frame);

        back.GetProperty("prompt").GetString().Should().Be(input.prompt);
        back.GetProperty("big").GetInt64().Should().Be(9007199254740993L);
        back.GetProperty("negative").GetInt32().Should().Be(-3);
        back.GetProperty("ratio").GetDouble().Should().Be(1e-7);
        back.GetProperty("on").GetBoolean().Should().BeTrue();
        back.GetProperty("none").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void MessagePackResultWithBinary_ReadsTheBytesAsBase64()
    {
        // Realtime image apps answer raw bytes (msgpack bin), e.g. {"image": {"content": <bytes>}}.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteMapHeader(2);
        writer.Write("request_id");
        writer.Write("r");
        writer.Write("content");
        writer.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        writer.Flush();

        var message = Decode(buffer.WrittenMemory.ToArray());

        message.GetProperty("request_id").GetString().Should().Be("r");
        message.GetProperty("content").GetBytesFromBase64().Should().Equal(0x89, 0x50, 0x4E, 0x47);
    }

    [Fact]
    public void ByteArrayInput_GoesOutAsMessagePackBin()
    {
        // fal's template packs with use_bin_type=True and hands bytes to the app as bytes: a byte[] must be bin, not base64 text.
        var frame = RealtimeCodec.EncodeInput(new { image = new byte[] { 1, 2, 255 } }, typeof(object), null, s_binAware, MessagePackRealtimeCodec.Instance);

        var reader = new MessagePack.MessagePackReader(frame);
        reader.ReadMapHeader().Should().Be(1);
        reader.ReadString().Should().Be("image");
        reader.NextMessagePackType.Should().Be(MessagePack.MessagePackType.Binary);
        System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value).Should().Equal(1, 2, 255);
    }

    [Fact]
    public void ByteArrayInput_OutsideTheMessagePackCodec_IsBase64AsSystemTextJsonWritesIt()
    {
        var frame = RealtimeCodec.EncodeInput(new { image = new byte[] { 1, 2, 255 } }, typeof(object), null, s_binAware, JsonRealtimeCodec.Instance);

        Encoding.UTF8.GetString(frame).Should().Be("""{"image":"AQL/"}""");
    }

    [Fact]
    public void JsonInput_IsUtf8Json()
    {
        var frame = RealtimeCodec.EncodeInput(new { prompt = "a cat" }, typeof(object), null, FalJson.ReflectionOptions, JsonRealtimeCodec.Instance);

        Encoding.UTF8.GetString(frame).Should().Be("""{"prompt":"a cat"}""");
    }

    [Fact]
    public void RequestIdOnAnInputThatIsNoObject_ThrowsArgumentException()
    {
        var act = () => RealtimeCodec.EncodeInput("just a string", typeof(string), "r-1", FalJson.ReflectionOptions, JsonRealtimeCodec.Instance);

        act.Should().Throw<ArgumentException>().WithMessage("*JSON object*");
    }

    [Fact]
    public void GarbageBinaryFrame_IsAFormatException()
    {
        var act = () => Decode([0xC1]);

        act.Should().Throw<FormatException>();
    }

    [Theory]
    [InlineData("""{"status":"error","error":"Unauthorized"}""", "Unauthorized")]
    [InlineData("""{"type":"x-fal-message","action":"timings","timing":0.05}""", "Skip")]
    [InlineData("""{"type":"x-fal-error","error":"TIMEOUT","reason":"no inputs, reconnect when needed!"}""", "Skip")]
    [InlineData("""{"type":"x-fal-error","error":"INTERNAL_ERROR","reason":"boom"}""", "Error")]
    [InlineData("""{"status":"error","error":"Internal"}""", "Error")]
    [InlineData("""{"images":[],"request_id":"r"}""", "Result")]
    [InlineData("""[1,2]""", "Result")]
    public void TextFrames_AreReadAsFalClientReadsThem(string json, string expected)
    {
        // fal_client's _decode_realtime_message: x-fal-error raises RealtimeError, x-fal-message is skipped, other JSON is a result.
        RealtimeCodec.Read(new RealtimeFrame(RealtimeFrameKind.Text, Encoding.UTF8.GetBytes(json)), MessagePackRealtimeCodec.Instance).Kind
            .Should().Be(Enum.Parse<RealtimeMessageKind>(expected));
    }

    [Fact]
    public void BinaryFrameShapedLikeAnXFalError_IsAResult()
    {
        // fal_client raises RealtimeError for text frames only: fal sends its own frames as JSON text, a binary frame is the app's.
        var frame = RealtimeCodec.EncodeInput(new { type = "x-fal-error", error = "INTERNAL_ERROR" }, typeof(object), null, FalJson.ReflectionOptions, MessagePackRealtimeCodec.Instance);

        RealtimeCodec.Read(new RealtimeFrame(RealtimeFrameKind.Binary, frame), MessagePackRealtimeCodec.Instance).Kind.Should().Be(RealtimeMessageKind.Result);
    }

    [Fact]
    public void HeaderAuthUrl_HasNoToken()
    {
        // fal_client's _build_runner_ws_url with use_jwt=False: no fal_jwt_token at all.
        RealtimeUrl.Build(new Uri("https://fal.run/"), "fal-ai/echo/realtime", null, 3).AbsoluteUri.Should().Be("wss://fal.run/fal-ai/echo/realtime?max_buffering=3");
    }

    [Theory]
    [InlineData("https://fal.run/", "wss://fal.run/fal-ai/echo/realtime?fal_jwt_token=t%2Bk")]
    [InlineData("http://127.0.0.1:8765/_run/", "ws://127.0.0.1:8765/_run/fal-ai/echo/realtime?fal_jwt_token=t%2Bk")]
    public void Url_FollowsTheRunHostsScheme(string runUrl, string expected)
    {
        var app = FalAppId.Parse("fal-ai/echo");

        RealtimeUrl.Build(new Uri(runUrl), RealtimeUrl.AppPath(app, "/realtime"), "t+k", null).AbsoluteUri.Should().Be(expected);
    }

    [Fact]
    public void AppIdEndingInRealtime_GetsNoSecondRealtimePath()
    {
        RealtimeUrl.AppPath(FalAppId.Parse("fal-ai/echo/realtime"), "/realtime").Should().Be("fal-ai/echo/realtime");
    }
}
