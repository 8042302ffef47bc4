namespace Fal.Reactive.Testing;

/// <summary>Configures a <see cref="FalRealtimeSimulator"/>. The simulator copies the values when it is created.</summary>
public sealed class FalRealtimeSimulatorOptions
{
    /// <summary>
    /// Gets or sets the keys accepted by <c>POST {rest}/tokens/</c> in <c>Authorization: Key &lt;key&gt;</c>.
    /// <see langword="null"/> (the default) accepts any non-empty key.
    /// </summary>
    public IReadOnlyCollection<string>? AcceptedKeys { get; set; }

    /// <summary>Gets or sets the run host the realtime apps listen on (<c>https://fal.run/</c> by default; ws(s) on the wire).</summary>
    public Uri RunUrl { get; set; } = new("https://fal.run/");

    /// <summary>Gets or sets the REST host that issues tokens (<c>https://rest.fal.ai/</c> by default).</summary>
    public Uri RestUrl { get; set; } = new("https://rest.fal.ai/");

    /// <summary>
    /// Gets or sets a value indicating whether a bad token is refused at the WebSocket handshake (HTTP 401, no
    /// connection) rather than with the <c>Unauthorized</c> frame after it (the default, as the JS client expects).
    /// </summary>
    public bool RefuseTokensAtHandshake { get; set; }

    /// <summary>Gets or sets the longest token lifetime a token request may ask for. Default 24 hours.</summary>
    public TimeSpan MaxTokenExpiration { get; set; } = TimeSpan.FromHours(24);
}
