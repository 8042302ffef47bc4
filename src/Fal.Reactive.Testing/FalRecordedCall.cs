namespace Fal.Reactive.Testing;

/// <summary>
/// One HTTP call the simulator received. The API key is never recorded, only whether an
/// <c>Authorization</c> header was present.
/// </summary>
/// <param name="Time">The scheduler time at which the call arrived.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Url">The absolute URL called.</param>
/// <param name="Kind">What the call was, as routed.</param>
/// <param name="RequestId">The request the call created or addressed, if any.</param>
/// <param name="HasAuthorization">Whether the call carried an <c>Authorization</c> header.</param>
/// <param name="StatusCode">The status code answered, or <see langword="null"/> while the answer is pending (a direct run still running) or when the connection was dropped.</param>
public sealed record FalRecordedCall(
    DateTimeOffset Time,
    string Method,
    Uri Url,
    FalCallKind Kind,
    string? RequestId,
    bool HasAuthorization,
    int? StatusCode);
