namespace Fal.Reactive.Testing;

/// <summary>An HTTP call as the simulator sees it, independent of the transport that carried it.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Url">The absolute URL, on one of the simulator's hosts.</param>
/// <param name="Headers">The request and content headers, case-insensitive.</param>
/// <param name="Body">The body bytes (empty when there is none).</param>
internal sealed record SimulatorHttpRequest(string Method, Uri Url, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
