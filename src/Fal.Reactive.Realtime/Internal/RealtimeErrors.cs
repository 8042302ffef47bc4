namespace Fal.Reactive;

/// <summary>The typed errors of a realtime connection, each naming the app.</summary>
internal static class RealtimeErrors
{
    public static Exception TokenFailed(string appId, Exception e) => e switch
    {
        FalHttpException { StatusCode: 401 or 403 } http => new FalRealtimeUnauthorizedException(
            $"fal refused a realtime token for {appId} ({http.StatusCode}): {http.Detail ?? http.Message}", e) { AppId = appId, Error = "Unauthorized" },
        MissingCredentialsException => e,
        _ => new FalRealtimeException($"Could not get a realtime token for {appId}: {e.Message}", e) { AppId = appId },
    };

    public static FalRealtimeUnauthorizedException Unauthorized(string appId, bool headerAuth) =>
        new(headerAuth
            ? $"Realtime app {appId} refused the client's credentials sent in the Authorization header (Unauthorized)."
            : $"Realtime app {appId} refused a token fetched just now (Unauthorized).") { AppId = appId, Error = "Unauthorized" };

    public static FalRealtimeConnectionClosedException CouldNotConnect(string appId, int attempts, Exception e) =>
        new($"Could not open the realtime connection to {appId} after {attempts} attempt(s): {e.Message}", e) { AppId = appId };

    public static FalRealtimeConnectionClosedException Closed(string appId, int status, string? reason, int attempts) =>
        new($"The realtime connection to {appId} closed abnormally ({status}{(string.IsNullOrEmpty(reason) ? string.Empty : ": " + reason)}) and did not reopen after {attempts} attempt(s).")
        {
            AppId = appId,
            CloseStatus = status,
            Reason = reason,
        };

    public static FalRealtimeException FromFrame(string appId, RealtimeMessage message) =>
        new($"Realtime app {appId} answered an error: {message.Error}{(string.IsNullOrEmpty(message.Reason) ? string.Empty : ": " + message.Reason)}")
        {
            AppId = appId,
            Error = message.Error,
            Reason = message.Reason,
            RequestId = message.RequestId,
        };
}
