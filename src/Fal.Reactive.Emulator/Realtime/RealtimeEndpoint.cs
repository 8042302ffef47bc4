using System.Reactive.Concurrency;
using Fal.Reactive.Emulator.Hosting;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Realtime;

/// <summary>
/// fal's realtime surface on the emulator: <c>POST /_rest/tokens/</c> (temporary tokens, with the emulator's key
/// rules) and the WebSockets at <c>/_run/{app}/realtime?fal_jwt_token=…</c> (or another path an app is mapped at; a
/// token or <c>Authorization: Key …</c>), both answered by a
/// <see cref="FalRealtimeSimulator"/> on real time. Everything else goes on to the queue endpoints.
/// </summary>
internal sealed class RealtimeEndpoint
{
    private FalRealtimeSimulator? _simulator;
    private FalEmulatorUrls? _urls;

    /// <summary>Registers the WebSocket support and this endpoint ahead of the emulator's own.</summary>
    public static RealtimeEndpoint Map(WebApplication app)
    {
        var endpoint = new RealtimeEndpoint();
        app.UseWebSockets();
        app.Use(next => context => endpoint.HandleAsync(context, next));
        return endpoint;
    }

    /// <summary>Starts answering, once the emulator knows its origin; returns the realtime simulator.</summary>
    public FalRealtimeSimulator Attach(FalSimulator files, FalEmulatorUrls urls, FalEmulatorOptions options)
    {
        var simulator = new FalRealtimeSimulator(options.Scheduler ?? Scheduler.Default, new FalRealtimeSimulatorOptions
        {
            AcceptedKeys = options.Keys,
            RunUrl = urls.Run,
            RestUrl = urls.Rest,
        });
        // One token issuer for the emulator: a token from POST /_rest/tokens/ opens HTTP calls too (Bearer, fal_jwt_token).
        simulator.TokenIssued = (authorization, token) => files.AcceptToken(authorization, token.Token, token.AllowedApps, token.ExpiresAt);
        if (options.MapBuiltInApps)
        {
            RealtimeApps.Map(simulator, files);
        }

        _urls = urls;
        Volatile.Write(ref _simulator, simulator);
        return simulator;
    }

    private async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var isToken = HttpMethods.IsPost(context.Request.Method) && (path == "/_rest/tokens" || path == "/_rest/tokens/");
        var isSocket = context.WebSockets.IsWebSocketRequest && path.StartsWithSegments("/_run");
        if (!isToken && !isSocket)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (Volatile.Read(ref _simulator) is not { } simulator)
        {
            await SimulatorEndpoint.WriteDetailAsync(context, 503, "The emulator is starting.").ConfigureAwait(false);
            return;
        }

        if (isToken)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            var (status, body) = simulator.AnswerTokenRequest(context.Request.Headers.Authorization.ToString(), buffer.ToArray());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var url = new Uri(_urls!.Base, path.ToUriComponent().TrimStart('/') + context.Request.QueryString.ToUriComponent());
        if (!simulator.IsRealtimeApp(url))
        {
            await SimulatorEndpoint.WriteDetailAsync(context, 404, $"No realtime app at {path}.").ConfigureAwait(false);
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (simulator.RefusesHandshake(url, authorization))
        {
            // Header auth (fal_client's use_jwt=False) with a key fal does not know: refused before the app.
            await SimulatorEndpoint.WriteDetailAsync(context, 401, "Invalid key.").ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        // A socket outlives requests: drop it when the emulator stops, rather than hold the shutdown for its timeout.
        using var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(socket.Abort);
        // The same model as in memory: the simulator reads and writes the socket; Abort() (a drop) aborts the connection.
        await simulator.ServeAsync(url, socket, authorization).ConfigureAwait(false);
    }
}
