using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Realtime apps (fal's WebSocket apps) as observables: <c>fal.Realtime(appId)</c>.</summary>
public static class FalRealtimeClientExtensions
{
    /// <summary>
    /// A connection to a realtime app (fal's WebSocket apps): send inputs to it as an observer, subscribe to it for
    /// results. Nothing happens until the first subscription, which fetches a temporary token
    /// (<see cref="FalClient.CreateTemporaryTokenAsync"/>, or <see cref="FalRealtimeOptions.TokenProvider"/>) and opens
    /// <c>ws(s)://{run host}/{app}/realtime?fal_jwt_token=…</c> through the client's <see cref="FalPipeline.HttpClient"/>
    /// (with <see cref="FalRealtimeOptions.UseTemporaryToken"/> false: no token, the key in the handshake's
    /// <c>Authorization</c> header). The key never goes into the URL or a frame.
    /// </summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type (<see cref="JsonElement"/> for raw JSON).</typeparam>
    /// <param name="client">The client whose key, hosts, HTTP client and scheduler the connection uses.</param>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</param>
    /// <param name="options">Format or codec, max buffering, token provider or header auth, reconnection, scheduler.</param>
    /// <returns>The connection (cold: it connects on the first subscription).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid (e.g. max buffering outside 1..60).</exception>
    /// <exception cref="PlatformNotSupportedException">Header auth (<see cref="FalRealtimeOptions.UseTemporaryToken"/> false) in a browser.</exception>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static FalRealtimeConnection<TInput, TOutput> Realtime<TInput, TOutput>(this FalClient client, string appId, FalRealtimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var app = FalAppId.Parse(appId);
        var valid = (options ?? new FalRealtimeOptions()).Validated(nameof(options));
        var appPath = RealtimeUrl.AppPath(app, valid.Path);
        var pipeline = client.Pipeline;
        var runUrl = pipeline.RunUrl;
        var http = pipeline.HttpClient;
        var scheduler = valid.Scheduler ?? pipeline.Scheduler;
        var codec = valid.Codec ?? (valid.Format == FalRealtimeFormat.Json ? JsonRealtimeCodec.Instance : MessagePackRealtimeCodec.Instance);
        var settings = new RealtimeSettings(
            app.Id,
            token => RealtimeUrl.Build(runUrl, appPath, token, valid.MaxBuffering),
            valid.TokenProvider is { } provider
                ? ct => provider(appPath, ct)
                : ct => client.CreateTemporaryTokenAsync([app.Id], valid.TokenExpiration, ct),
            valid.TokenExpiration,
            () => new WebSocketRealtimeSocket(http),
            scheduler,
            valid.Reconnect,
            codec,
            valid.UseTemporaryToken ? null : ct => client.AuthorizationHeaderAsync(scheduler, ct));
        return new FalRealtimeConnection<TInput, TOutput>(settings, valid.SerializerOptions ?? FalJson.ReflectionOptions);
    }

    /// <summary>A realtime connection with any serializable input and raw JSON results.</summary>
    /// <param name="client">The client whose key, hosts, HTTP client and scheduler the connection uses.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="options">Format or codec, max buffering, token provider or header auth, reconnection, scheduler.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> or an option is invalid.</exception>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static FalRealtimeConnection<object, JsonElement> Realtime(this FalClient client, string appId, FalRealtimeOptions? options = null) =>
        client.Realtime<object, JsonElement>(appId, options);
}
