namespace Fal.Reactive.Testing;

/// <summary>How a request ended: the result replayed by the result endpoint and the error its status reports.</summary>
internal sealed record RequestOutcome(
    int StatusCode,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Error,
    string? ErrorType)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
