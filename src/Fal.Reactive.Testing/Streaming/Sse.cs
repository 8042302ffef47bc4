using System.Text;
using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>Server-sent event framing: one <c>data:</c> line per JSON event, and the keep-alive comment.</summary>
internal static class Sse
{
    public static ReadOnlyMemory<byte> KeepAlive { get; } = Encoding.UTF8.GetBytes(": keepalive\n\n");

    public static byte[] Event(ReadOnlyMemory<byte> json)
    {
        var prefix = "data: "u8;
        var bytes = new byte[prefix.Length + json.Length + 2];
        prefix.CopyTo(bytes);
        json.Span.CopyTo(bytes.AsSpan(prefix.Length));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    public static byte[] Event(JsonElement json) => Event(SimulatorJson.ToBytes(json));
}
