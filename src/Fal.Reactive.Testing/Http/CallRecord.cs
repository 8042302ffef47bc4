namespace Fal.Reactive.Testing;

/// <summary>A received call whose answer may still be pending. Only touched under the simulator's lock.</summary>
internal sealed class CallRecord(DateTimeOffset time, string method, Uri url, bool hasAuthorization)
{
    public DateTimeOffset Time => time;

    public FalCallKind Kind { get; set; }

    public string? RequestId { get; set; }

    public int? StatusCode { get; set; }

    public FalRecordedCall ToSnapshot() => new(time, method, url, Kind, RequestId, hasAuthorization, StatusCode);
}
