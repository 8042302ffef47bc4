using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fal.Reactive;

/// <content>Realtime apps (WebSocket) as observables.</content>
public partial class FalClient
{
    /// <summary>
    /// Opens sockets for realtime connections: a <see cref="System.Net.WebSockets.ClientWebSocket"/> connected through
    /// the client's <see cref="HttpClient"/> (null: that one); tests of the session may put a fake here.
    /// </summary>
    internal Func<IRealtimeSocket>? RealtimeSocketFactory { get; set; }

    /// <summary>
    /// A connection to a realtime app (fal's WebSocket apps): send inputs to it as an observer, subscribe to it for
    /// results. Nothing happens until the first subscription, which fetches a temporary token (<c>POST {rest}/tokens/</c>
    /// with the key, or <see cref="FalRealtimeOptions.TokenProvider"/>) and opens
    /// <c>ws(s)://{run host}/{app}/realtime?fal_jwt_token=…</c>. The key never goes into the URL or a frame.
    /// </summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type (<see cref="JsonElement"/> for raw JSON).</typeparam>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</param>
    /// <param name="options">Format, max buffering, token provider, reconnection, scheduler.</param>
    /// <returns>The connection (cold: it connects on the first subscription).</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid (e.g. max buffering outside 1..60).</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual FalRealtimeConnection<TInput, TOutput> Realtime<TInput, TOutput>(string appId, FalRealtimeOptions? options = null)
    {
        var app = FalAppId.Parse(appId);
        var valid = (options ?? new FalRealtimeOptions()).Validated(nameof(options));
        var appPath = RealtimeUrl.AppPath(app, valid.Path);
        var runUrl = _context.Options.RunUrl;
        var rest = _context.Rest;
        var settings = new RealtimeSettings(
            app.Id,
            token => RealtimeUrl.Build(runUrl, appPath, token, valid.MaxBuffering),
            valid.TokenProvider is { } provider
                ? ct => provider(appPath, ct)
                : ct => RealtimeTokens.FetchAsync(rest, app, valid.TokenExpiration ?? FalRealtimeOptions.DefaultTokenExpiration, ct),
            valid.TokenExpiration,
            RealtimeSocketFactory ?? (() => new WebSocketRealtimeSocket(_http)),
            valid.Scheduler ?? _context.Scheduler,
            valid.Reconnect);
        return new FalRealtimeConnection<TInput, TOutput>(settings, valid.Format, valid.SerializerOptions ?? FalJson.ReflectionOptions);
    }

    /// <summary>A realtime connection with any serializable input and raw JSON results.</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="options">Format, max buffering, token provider, reconnection, scheduler.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public virtual FalRealtimeConnection<object, JsonElement> Realtime(string appId, FalRealtimeOptions? options = null) =>
        Realtime<object, JsonElement>(appId, options);
}
