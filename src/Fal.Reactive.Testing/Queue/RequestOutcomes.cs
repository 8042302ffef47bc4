
namespace Fal.Reactive.Testing;

/// <summary>How a request can end: as its script says, cancelled, or timed out before a worker started it.</summary>
internal static class RequestOutcomes
{
    private const string CancelledDetail = "Request cancelled by the client.";
    private const string TimeoutDetail = "Request timed out";
    private const string TimeoutErrorType = "request_timeout";

    public static RequestOutcome FromScript(FalAppScript script) =>
        new(script.StatusCode, SimulatorJson.ToBytes(script.Body), [.. script.Headers], script.Error, script.ErrorType);

    /// <summary>499, as fal answers the result of a cancelled request.</summary>
    public static RequestOutcome Cancelled() =>
        new(499, SimulatorJson.Detail(CancelledDetail), [], CancelledDetail, null);

    /// <summary>504 with the user-timeout header: the start timeout (<c>X-Fal-Request-Timeout</c>) expired in the queue.</summary>
    public static RequestOutcome StartTimedOut() => new(
        504,
        SimulatorJson.WriteObject(w =>
        {
            w.WriteString("detail", TimeoutDetail);
            w.WriteString("error_type", TimeoutErrorType);
        }),
        [new("X-Fal-Request-Timeout-Type", "user"), new("X-Fal-Error-Type", TimeoutErrorType)],
        TimeoutDetail,
        TimeoutErrorType);
}
