namespace Fal.Reactive;

/// <summary>A realtime connection's token: <see cref="RestEndpoint.TokenAsync"/> for the app's alias.</summary>
internal static class RealtimeTokens
{
    public static Task<string> FetchAsync(RestEndpoint rest, FalAppId app, TimeSpan expiration, CancellationToken cancellationToken) =>
        rest.TokenAsync([RealtimeUrl.Alias(app)], app.Id, expiration, cancellationToken);
}

/// <summary>The body of <c>POST {rest}/tokens/</c>.</summary>
internal sealed record RealtimeTokenRequest(string[] AllowedApps, int TokenExpiration);

/// <summary>Why the realtime serializer's reflection is not reported where it happens.</summary>
internal static class RealtimeJson
{
    public const string Justification =
        "A realtime connection is only made by FalClient.Realtime, which is marked [RequiresUnreferencedCode] and " +
        "[RequiresDynamicCode]: its caller has been warned, and these members run only for connections it made.";
}
