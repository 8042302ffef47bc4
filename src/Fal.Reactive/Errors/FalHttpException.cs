using System.Net;

namespace Fal.Reactive;

/// <summary>
/// fal answered with an error status: the app's own error (422 validation, 500), a platform error
/// (503 runner unavailable, 504 timeout), a cancelled request (499), or an authentication failure (401).
/// </summary>
public sealed class FalHttpException : FalException
{
    /// <summary>Creates an exception.</summary>
    public FalHttpException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FalHttpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public FalHttpException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status code fal answered with.</summary>
    public int StatusCode { get; init; }

    /// <summary>fal's <c>detail</c> text (for a 422, the field errors joined), when the body had one.</summary>
    public string? Detail { get; init; }

    /// <summary>fal's error type (body <c>error_type</c> or header <c>X-Fal-Error-Type</c>), e.g. <c>request_timeout</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The field errors of a 422 answer; empty otherwise.</summary>
    public IReadOnlyList<FalValidationError> ValidationErrors { get; init; } = [];

    /// <summary>
    /// True when fal ended the request because the start timeout the caller set
    /// (<see cref="FalSubmitOptions.StartTimeout"/>) expired: HTTP 504 with <c>X-Fal-Request-Timeout-Type: user</c>.
    /// </summary>
    public bool IsUserTimeout { get; init; }

    /// <summary>
    /// The <c>X-Fal-Request-Timeout-Type</c> of a 504 answer (<c>user</c> for the caller's start timeout), or null.
    /// A 504 carrying it, whatever its value, is never retried: fal timed the request out on purpose.
    /// </summary>
    public string? TimeoutType { get; init; }

    /// <summary>
    /// fal's <c>X-Fal-Retryable</c> on the answer: whether the same request might succeed if tried again
    /// (<see langword="true"/>), or will fail the same way (<see langword="false"/>); null when the answer did not say.
    /// The client stops its own retries on <see langword="false"/> and, on <see langword="true"/>, retries only calls
    /// that are safe to repeat (status, result, cancel, storage; docs/retries.md). Whether to submit a request again is
    /// yours to decide: that is a second, billed request.
    /// </summary>
    public bool? Retryable { get; init; }

    /// <summary>The raw body of the answer (JSON or text), for anything the typed members do not cover.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>True for a 422 answer, whose <see cref="ValidationErrors"/> say what to fix.</summary>
    public bool IsValidationError => StatusCode == (int)HttpStatusCode.UnprocessableEntity;

    /// <summary>True for a 499 answer: the request was cancelled.</summary>
    public bool IsCancelled => StatusCode == 499;
}
