namespace Fal.Reactive.Testing;

/// <summary>A temporary token the simulator issued (<c>POST {rest}/tokens/</c>).</summary>
/// <param name="Token">The token (what goes into <c>fal_jwt_token</c>).</param>
/// <param name="AllowedApps">The apps it was asked for (<c>allowed_apps</c>).</param>
/// <param name="IssuedAt">When it was issued, on the simulator's clock.</param>
/// <param name="ExpiresAt">When it stops opening connections.</param>
public sealed record FalSimulatedRealtimeToken(string Token, IReadOnlyList<string> AllowedApps, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
