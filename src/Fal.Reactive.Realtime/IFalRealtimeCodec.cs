using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// How a realtime connection turns inputs into frames and binary frames into results (fal_client's
/// <c>encode_message</c>/<c>decode_message</c>, fal-js's <c>encodeMessage</c>/<c>decodeMessage</c>): for apps
/// declared with a custom codec on fal (<c>@fal.realtime(..., encode_message=…, decode_message=…)</c>). Set it with
/// <see cref="FalRealtimeOptions.Codec"/>; the default is msgpack, as fal's template.
/// </summary>
/// <remarks>
/// Every encoded input goes out as one binary frame: fal's realtime template reads binary frames only. Text
/// frames are never given to the codec: they are JSON, and <c>x-fal-error</c>/<c>x-fal-message</c> frames among
/// them are fal's own (errors and meta messages), read by the client as fal_client reads them. Inputs reach the
/// codec as JSON (with the connection's <see cref="FalRealtimeOptions.SerializerOptions"/>, so a
/// <see cref="byte"/> array is a base64 string there); implementations must be thread-safe.
/// </remarks>
public interface IFalRealtimeCodec
{
    /// <summary>Encodes one input (including its <c>request_id</c>, when one was given) as the bytes of a binary frame.</summary>
    /// <param name="input">The input, as JSON.</param>
    /// <returns>The frame's bytes.</returns>
    byte[] Encode(JsonElement input);

    /// <summary>Decodes one binary frame from the app to JSON, which is then read as the connection's output type.</summary>
    /// <param name="frame">The frame's bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="FormatException">The frame is not valid in this codec's format (any exception ends the connection with <see cref="FalProtocolException"/>).</exception>
    JsonElement Decode(ReadOnlyMemory<byte> frame);
}
