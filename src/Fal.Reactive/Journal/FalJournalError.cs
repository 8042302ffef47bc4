namespace Fal.Reactive;

/// <summary>A recorded failure: what a <see cref="FalHttpException"/> (or another error) said, enough to report it again without a call.</summary>
/// <param name="Message">The error's message (never holds the key: the client's errors are redacted before they are recorded).</param>
public sealed record FalJournalError(string Message)
{
    /// <summary>The HTTP status fal answered, when the error was fal's (<see cref="FalHttpException.StatusCode"/>).</summary>
    public int? StatusCode { get; init; }

    /// <summary>fal's error type, e.g. <c>request_timeout</c> (<see cref="FalHttpException.ErrorType"/>).</summary>
    public string? ErrorType { get; init; }

    /// <summary>fal's detail text (<see cref="FalHttpException.Detail"/>).</summary>
    public string? Detail { get; init; }

    /// <summary>The error as it is raised again for a key that already failed.</summary>
    /// <param name="requestId">The request id recorded with the key.</param>
    /// <returns>A <see cref="FalHttpException"/> when fal answered with a status, otherwise a <see cref="FalException"/>.</returns>
    public FalException ToException(string? requestId) => StatusCode is { } status
        ? new FalHttpException(Message) { StatusCode = status, ErrorType = ErrorType, Detail = Detail, RequestId = requestId }
        : new FalException(Message) { RequestId = requestId };

    /// <summary>The record of an error.</summary>
    /// <param name="error">The error.</param>
    /// <returns>Its record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public static FalJournalError From(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is FalHttpException http
            ? new(http.Message) { StatusCode = http.StatusCode, ErrorType = http.ErrorType, Detail = http.Detail }
            : new(error.Message);
    }
}
