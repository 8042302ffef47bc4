using System.Text;
using System.Text.Json;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>Realtime frames: msgpack or JSON out, either in, and how each message is read.</summary>
public class RealtimeCodecTests
{
    [Fact]
    public void MessagePackInput_IsABinaryMap_ThatReadsBackToTheSameJson()
    {
        var frame = RealtimeCodec.EncodeInput(new { prompt = "a cat", steps = 4, strength = 0.5 }, typeof(object), "r-1", FalJson.ReflectionOptions, FalRealtimeFormat.MessagePack);

        (frame[0] & 0xF0).Should().Be(0x80, "a msgpack fixmap");
        RealtimeCodec.Decode(new RealtimeFrame(RealtimeFrameKind.Binary, frame)).GetRawText()
            .Should().Be("""{"prompt":"a cat","steps":4,"strength":0.5,"request_id":"r-1"}""");
    }

    [Fact]
    public void MessagePackInput_KeepsEscapesUnicodeAndNumbers()
    {
        var input = new { prompt = "a \"quoted\" cat\nnext line é 猫 🐱", big = 9007199254740993L, negative = -3, ratio = 1e-7, on = true, none = (string?)null };

        var frame = RealtimeCodec.EncodeInput(input, input.GetType(), null, FalJson.ReflectionOptions, FalRealtimeFormat.MessagePack);
        var back = RealtimeCodec.Decode(new RealtimeFrame(RealtimeFrameKind.Binary, frame));

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

        var message = RealtimeCodec.Decode(new RealtimeFrame(RealtimeFrameKind.Binary, buffer.WrittenMemory.ToArray()));

        message.GetProperty("request_id").GetString().Should().Be("r");
        message.GetProperty("content").GetBytesFromBase64().Should().Equal(0x89, 0x50, 0x4E, 0x47);
    }

    [Fact]
    public void JsonInput_IsUtf8Json()
    {
        var frame = RealtimeCodec.EncodeInput(new { prompt = "a cat" }, typeof(object), null, FalJson.ReflectionOptions, FalRealtimeFormat.Json);

        Encoding.UTF8.GetString(frame).Should().Be("""{"prompt":"a cat"}""");
    }

    [Fact]
    public void RequestIdOnAnInputThatIsNoObject_ThrowsArgumentException()
    {
        var act = () => RealtimeCodec.EncodeInput("just a string", typeof(string), "r-1", FalJson.ReflectionOptions, FalRealtimeFormat.Json);

        act.Should().Throw<ArgumentException>().WithMessage("*JSON object*");
    }

    [Fact]
    public void GarbageBinaryFrame_IsAFormatException()
    {
        var act = () => RealtimeCodec.Decode(new RealtimeFrame(RealtimeFrameKind.Binary, new byte[] { 0xC1 }));

        act.Should().Throw<FormatException>();
    }

    [Theory]
    [InlineData("""{"status":"error","error":"Unauthorized"}""", "Unauthorized")]
    [InlineData("""{"type":"x-fal-message","message":"hi"}""", "Skip")]
    [InlineData("""{"type":"x-fal-error","error":"TIMEOUT","reason":"idle"}""", "Skip")]
    [InlineData("""{"type":"x-fal-error","error":"VALIDATION","reason":"no prompt"}""", "Error")]
    [InlineData("""{"status":"error","error":"Internal"}""", "Error")]
    [InlineData("""{"images":[],"request_id":"r"}""", "Result")]
    [InlineData("""[1,2]""", "Result")]
    public void Messages_AreReadAsTheOfficialClientsReadThem(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        RealtimeCodec.Classify(document.RootElement).Kind.Should().Be(Enum.Parse<RealtimeMessageKind>(expected));
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
