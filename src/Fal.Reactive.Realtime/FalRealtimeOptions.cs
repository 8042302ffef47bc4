using System.Reactive.Concurrency;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Options for <see cref="FalRealtimeClientExtensions.Realtime{TInput, TOutput}(FalClient, string, FalRealtimeOptions?)"/>.</summary>
public sealed class FalRealtimeOptions
{
    /// <summary>How inputs are encoded. Default <see cref="FalRealtimeFormat.MessagePack"/>; ignored when <see cref="Codec"/> is set.</summary>
    public FalRealtimeFormat Format { get; set; } = FalRealtimeFormat.MessagePack;

    /// <summary>
    /// A custom frame codec, for an app declared on fal with its own <c>encode_message</c>/<c>decode_message</c>
    /// (fal-js's <c>encodeMessage</c>/<c>decodeMessage</c>); null for the built-in one of <see cref="Format"/>.
    /// </summary>
    public IFalRealtimeCodec? Codec { get; set; }

    /// <summary>
    /// Whether the connection authenticates with a temporary token in the URL (<c>fal_jwt_token</c>, the default, as
    /// both official clients do). False sends the client's own credentials in the handshake's <c>Authorization</c>
    /// header instead and fetches no token (fal_client's <c>use_jwt=False</c>): for servers, never browsers (a
    /// browser's WebSocket cannot set headers; there the call throws
    /// <see cref="PlatformNotSupportedException"/>). Cannot be combined with <see cref="TokenProvider"/> or a proxy.
    /// </summary>
    public bool UseTemporaryToken { get; set; } = true;

    /// <summary>
    /// How many inputs the app keeps before dropping the oldest in favour of newer ones (<c>max_buffering</c>,
    /// 1 to 60); <see langword="null"/> lets the app decide.
    /// </summary>
    public int? MaxBuffering { get; set; }

    /// <summary>The path after the app id. Default <c>/realtime</c> (not added when the app id already ends with it).</summary>
    public string Path { get; set; } = "/realtime";

    /// <summary>
    /// Fetches a temporary token for the given scope (the app id and path, e.g. <c>fal-ai/fast-lcm-diffusion/realtime</c>):
    /// for apps whose key lives on a backend. When null, the client asks fal's REST host with its own key.
    /// </summary>
    public Func<string, CancellationToken, Task<string>>? TokenProvider { get; set; }

    /// <summary>
    /// The token's lifetime: the token is refreshed at 90 % of it, without dropping the connection. Default
    /// 120 s with the built-in token fetch; with a <see cref="TokenProvider"/>, null means never refresh.
    /// </summary>
    public TimeSpan? TokenExpiration { get; set; }

    /// <summary>How a dropped connection is re-opened: the delay doubles from <see cref="FalRetryOptions.Delay"/>. Default 5 tries from 1 s up to 30 s.</summary>
    public FalRetryOptions Reconnect { get; set; } = new() { MaxRetries = 5, Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) };

    /// <summary>The scheduler for token refreshes and reconnection delays; the client's when null.</summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>How inputs and outputs map to JSON; snake_case names when null.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    internal FalRealtimeOptions Validated(string paramName)
    {
        if (MaxBuffering is { } buffering && buffering is < 1 or > 60)
        {
            throw new ArgumentOutOfRangeException(paramName, buffering, "MaxBuffering must be between 1 and 60 (inclusive).");
        }

        if (!Enum.IsDefined(Format))
        {
            throw new ArgumentOutOfRangeException(paramName, Format, "Unknown realtime format.");
        }

        if (Path is null || (Path.Length > 0 && (Path[0] != '/' || Path.Contains('?', StringComparison.Ordinal) || Path.Contains('#', StringComparison.Ordinal))))
        {
            throw new ArgumentException($"Path must be empty or start with '/', without a query, not '{Path}'.", paramName);
        }

        if (!UseTemporaryToken && OperatingSystem.IsBrowser())
        {
            // A browser's WebSocket has no way to set handshake headers: fail at the call, not on every reconnection.
            throw new PlatformNotSupportedException("UseTemporaryToken = false (header auth) needs handshake headers, which a browser's WebSocket cannot send; use temporary tokens (the default).");
        }

        if (!UseTemporaryToken && TokenProvider is not null)
        {
            throw new ArgumentException("TokenProvider fetches temporary tokens; it cannot be combined with UseTemporaryToken = false (header auth).", paramName);
        }

        if (TokenExpiration is { } expiration && (expiration < TimeSpan.FromSeconds(1) || expiration > TimeSpan.FromHours(24)))
        {
            throw new ArgumentOutOfRangeException(paramName, expiration, "TokenExpiration must be from 1 second to 24 hours.");
        }

        ArgumentNullException.ThrowIfNull(Reconnect, paramName + ".Reconnect");
        if (Reconnect.MaxRetries < 0 || Reconnect.Delay < TimeSpan.Zero || Reconnect.MaxDelay < Reconnect.Delay)
        {
            throw new ArgumentOutOfRangeException(paramName, "Reconnect needs MaxRetries >= 0 and 0 <= Delay <= MaxDelay.");
        }

        return new FalRealtimeOptions
        {
            Format = Format,
            Codec = Codec,
            UseTemporaryToken = UseTemporaryToken,
            MaxBuffering = MaxBuffering,
            Path = Path,
            TokenProvider = TokenProvider,
            TokenExpiration = TokenExpiration ?? (TokenProvider is null ? FalClient.DefaultTemporaryTokenExpiration : null),
            Reconnect = new FalRetryOptions { MaxRetries = Reconnect.MaxRetries, Delay = Reconnect.Delay, MaxDelay = Reconnect.MaxDelay },
            Scheduler = Scheduler,
            SerializerOptions = SerializerOptions,
        };
    }
}
