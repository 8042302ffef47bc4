
namespace Fal.Reactive.Testing;

/// <summary>The simulator's answer to one call: a buffered body, an event stream, or a dropped connection.</summary>
internal sealed class SimulatorHttpResponse
{
    private SimulatorHttpResponse(int statusCode, string? contentType, ReadOnlyMemory<byte> body, SimulatorEventStream? events, bool dropConnection)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        Events = events;
        DropConnection = dropConnection;
    }

    public int StatusCode { get; }

    public string? ContentType { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets the server-sent event stream the body is read from, instead of <see cref="Body"/>.</summary>
    public SimulatorEventStream? Events { get; }

    /// <summary>Gets a value indicating whether the transport must fail the call as a lost connection.</summary>
    public bool DropConnection { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public static SimulatorHttpResponse Json(int statusCode, ReadOnlyMemory<byte> body) =>
        new(statusCode, "application/json", body, null, dropConnection: false);

    public static SimulatorHttpResponse Bytes(int statusCode, string contentType, ReadOnlyMemory<byte> body) =>
        new(statusCode, contentType, body, null, dropConnection: false);

    public static SimulatorHttpResponse Detail(int statusCode, string detail) => Json(statusCode, SimulatorJson.Detail(detail));

    public static SimulatorHttpResponse EventStream(SimulatorEventStream events) =>
        new(200, "text/event-stream", ReadOnlyMemory<byte>.Empty, events, dropConnection: false);

    public static SimulatorHttpResponse Dropped() => new(0, null, ReadOnlyMemory<byte>.Empty, null, dropConnection: true);

    public SimulatorHttpResponse WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}
