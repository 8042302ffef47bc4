using System.Globalization;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// An in-memory fal realtime host: it issues temporary tokens (<c>POST {rest}/tokens/</c>), accepts realtime
/// connections (<c>{run}/{app}/realtime?fal_jwt_token=…</c>, or another path an app is mapped at; or with
/// <c>Authorization: Key …</c> in the handshake instead of a token) to the apps mapped on it, and answers each input on
/// the <see cref="IScheduler"/> given to it, so a <c>TestScheduler</c> drives a whole realtime session in virtual
/// time. It stands alone: use <see cref="FalRealtimeSimulatorClientExtensions.CreateClient"/> for a client wired
/// to it (a real <c>ClientWebSocket</c> over an in-memory connection). The emulator serves the same model over Kestrel.
/// </summary>
/// <remarks>
/// A connection whose token is unknown, expired, or not for the app gets the <c>Unauthorized</c> frame and a
/// normal close, as fal answers an expired token. Tokens are checked when a connection opens, so a connection
/// outlives its token.
/// </remarks>
/// <example>
/// <code>
/// var scheduler = new TestScheduler();
/// var sim = new FalRealtimeSimulator(scheduler).MapApp("fal-ai/echo", input => input, TimeSpan.FromMilliseconds(50));
/// using var fal = sim.CreateClient();
/// using var connection = fal.Realtime("fal-ai/echo");
/// </code>
/// </example>
public sealed class FalRealtimeSimulator
{
    private readonly object _gate = new();
    private readonly IScheduler _scheduler;
    private readonly HashSet<string>? _acceptedKeys;
    private readonly TimeSpan _maxTokenExpiration;
    private readonly bool _refuseAtHandshake;
    private readonly Dictionary<string, RealtimeApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FalSimulatedRealtimeToken> _tokens = new(StringComparer.Ordinal);
    private readonly List<FalSimulatedRealtimeToken> _issued = [];
    private readonly List<FalSimulatedRealtimeConnection> _connections = [];

    /// <summary>Initializes a new instance of the <see cref="FalRealtimeSimulator"/> class.</summary>
    /// <param name="scheduler">The scheduler all simulated time runs on.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException">A URL is not absolute http(s).</exception>
    public FalRealtimeSimulator(IScheduler scheduler, FalRealtimeSimulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        options ??= new FalRealtimeSimulatorOptions();
        _scheduler = scheduler;
        _acceptedKeys = options.AcceptedKeys is null ? null : new HashSet<string>(options.AcceptedKeys, StringComparer.Ordinal);
        _maxTokenExpiration = options.MaxTokenExpiration;
        _refuseAtHandshake = options.RefuseTokensAtHandshake;
        RunUrl = BaseUrl(options.RunUrl, nameof(options.RunUrl));
        RestUrl = BaseUrl(options.RestUrl, nameof(options.RestUrl));
    }

    /// <summary>Gets the scheduler the simulator runs on.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>Gets the run host the apps listen on.</summary>
    public Uri RunUrl { get; }

    /// <summary>Gets the REST host that issues tokens.</summary>
    public Uri RestUrl { get; }

    /// <summary>Gets every token issued, in order.</summary>
    public IReadOnlyList<FalSimulatedRealtimeToken> IssuedTokens { get { lock (_gate) { return [.. _issued]; } } }

    /// <summary>Gets every connection opened, in order (refused ones included).</summary>
    public IReadOnlyList<FalSimulatedRealtimeConnection> Connections { get { lock (_gate) { return [.. _connections]; } } }

    /// <summary>Maps a realtime app at <c>/realtime</c>: each input (JSON) is answered with the handler's output after <paramref name="processingTime"/>.</summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</param>
    /// <param name="app">Computes an output (any JSON-serializable object) from an input; throw to end the session with <c>INTERNAL_ERROR</c>, as fal's template does.</param>
    /// <param name="processingTime">How long each input takes, on the scheduler.</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentException">The app id is empty or the processing time negative.</exception>
    public FalRealtimeSimulator MapApp(string appId, Func<JsonElement, object?> app, TimeSpan processingTime) =>
        MapApp(appId, app, new FalRealtimeAppOptions { ProcessingTime = processingTime });

    /// <summary>Maps a realtime app at <c>/realtime</c> that answers each input (JSON) with the handler's output at once.</summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</param>
    /// <param name="app">Computes an output (any JSON-serializable object) from an input; throw to end the session with <c>INTERNAL_ERROR</c>.</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentException">The app id is empty.</exception>
    public FalRealtimeSimulator MapApp(string appId, Func<JsonElement, object?> app) => MapApp(appId, app, new FalRealtimeAppOptions());

    /// <summary>Maps a realtime app of JSON inputs at <see cref="FalRealtimeAppOptions.Path"/> (a msgpack <c>bin</c> reaches it as a base64 string).</summary>
    /// <param name="appId">The app id, e.g. <c>fal-ai/fast-lcm-diffusion</c>.</param>
    /// <param name="app">Computes an output (any JSON-serializable object) from an input; throw to end the session with <c>INTERNAL_ERROR</c>.</param>
    /// <param name="options">Path, processing time, session timeout, timings, format.</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentException">The app id is empty or an option invalid.</exception>
    public FalRealtimeSimulator MapApp(string appId, Func<JsonElement, object?> app, FalRealtimeAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Map(appId, options, app, null);
    }

    /// <summary>
    /// Maps a realtime app that takes msgpack values as they are, as fal's template hands them to the app: maps as
    /// <c>Dictionary&lt;object, object&gt;</c>, arrays as <c>object[]</c>, <c>bin</c> as <c>byte[]</c>, and so on.
    /// The output is written to msgpack as it is (anonymous types and dictionaries as maps, byte arrays as <c>bin</c>),
    /// without a <c>request_id</c> unless the app puts one in.
    /// </summary>
    /// <param name="appId">The app id, e.g. <c>emulator/echo</c>.</param>
    /// <param name="app">Computes an output from an input; throw to end the session with <c>INTERNAL_ERROR</c>.</param>
    /// <param name="options">Path, processing time, session timeout, timings (<see cref="FalRealtimeAppOptions.JsonMessages"/> must be false).</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentException">The app id is empty or an option invalid.</exception>
    public FalRealtimeSimulator MapMessagePackApp(string appId, Func<object?, object?> app, FalRealtimeAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (options?.JsonMessages == true)
        {
            throw new ArgumentException("A msgpack app does not take JSON messages.", nameof(options));
        }

        return Map(appId, options ?? new FalRealtimeAppOptions(), null, app);
    }

    private FalRealtimeSimulator Map(string appId, FalRealtimeAppOptions options, Func<JsonElement, object?>? json, Func<object?, object?>? raw)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ArgumentNullException.ThrowIfNull(options);
        var app = new RealtimeApp(appId.Trim('/'), options.Validated(), json, raw);
        lock (_gate)
        {
            _apps[app.Key] = app;
        }

        return this;
    }

    /// <summary>Issues a token for the given apps, as <c>POST {rest}/tokens/</c> does.</summary>
    /// <param name="allowedApps">The apps (aliases or ids) the token opens.</param>
    /// <param name="expiration">Its lifetime.</param>
    /// <returns>The token.</returns>
    public FalSimulatedRealtimeToken IssueToken(IReadOnlyList<string> allowedApps, TimeSpan expiration)
    {
        ArgumentNullException.ThrowIfNull(allowedApps);
        lock (_gate)
        {
            var now = _scheduler.Now;
            var token = new FalSimulatedRealtimeToken(
                string.Create(CultureInfo.InvariantCulture, $"fal-sim-jwt-{_issued.Count + 1}-{Guid.NewGuid():N}"), [.. allowedApps], now, now + expiration);
            _issued.Add(token);
            _tokens[token.Token] = token;
            return token;
        }
    }

    /// <summary>Makes every token issued so far expired, so the next connection with one of them is refused.</summary>
    public void ExpireTokens()
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            foreach (var key in _tokens.Keys.ToList())
            {
                _tokens[key] = _tokens[key] with { ExpiresAt = now };
            }
        }
    }

    /// <summary>Drops every open connection as a network failure would (1006, no close frame): clients reconnect.</summary>
    public void DropConnections()
    {
        foreach (var connection in Connections)
        {
            connection.Close(FalSimulatedRealtimeConnection.AbnormalClosure, "dropped by the simulator");
        }
    }

    /// <summary>
    /// Told of each token <see cref="AnswerTokenRequest"/> issues, with the <c>Authorization</c> it was asked with: the
    /// emulator's HTTP model accepts the same tokens (as <c>Bearer</c>), scoped to that key.
    /// </summary>
    internal Action<string?, FalSimulatedRealtimeToken>? TokenIssued { get; set; }

    /// <summary>Answers <c>POST {rest}/tokens/</c>: the token as a JSON string, or 401/400 with a <c>detail</c>.</summary>
    internal (int Status, byte[] Body) AnswerTokenRequest(string? authorization, ReadOnlySpan<byte> body)
    {
        var key = KeyOf(authorization);
        if (!IsAcceptedKey(key))
        {
            return (401, Detail(key is null ? "Missing credentials: send Authorization: Key <key>." : "Invalid key."));
        }

        if (!TokenCalls.TryReadRequest(body, _maxTokenExpiration, out var apps, out var lifetime))
        {
            return (422, Detail("Expected {\"allowed_apps\": [\"<alias>\", …], \"token_expiration\": <seconds>} with a positive expiration."));
        }

        var issued = IssueToken(apps, lifetime);
        TokenIssued?.Invoke(authorization, issued);
        return (201, JsonSerializer.SerializeToUtf8Bytes(issued.Token));
    }

    /// <summary>Whether <paramref name="url"/> names a mapped app (otherwise the upgrade is answered 404).</summary>
    internal bool IsRealtimeApp(Uri url) => FindApp(url) is not null;

    /// <summary>
    /// Whether the upgrade is answered 401: an <c>Authorization</c> header with a key that is not accepted (header
    /// auth is checked by the gateway, before the app), or <see cref="FalRealtimeSimulatorOptions.RefuseTokensAtHandshake"/>
    /// and a bad token.
    /// </summary>
    internal bool RefusesHandshake(Uri url, string? authorization)
    {
        if (FindApp(url) is not { } found)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(authorization))
        {
            return !IsAcceptedKey(KeyOf(authorization));
        }

        return _refuseAtHandshake && !IsAuthorized(System.Web.HttpUtility.ParseQueryString(url.Query)["fal_jwt_token"], found.AppId);
    }

    private static string? KeyOf(string? authorization) =>
        authorization is { } value && value.StartsWith("Key ", StringComparison.Ordinal) ? value[4..].Trim() : null;

    private bool IsAcceptedKey(string? key) => !string.IsNullOrEmpty(key) && (_acceptedKeys is null || _acceptedKeys.Contains(key));

    private bool IsAuthorized(string? token, string appId)
    {
        lock (_gate)
        {
            return token is not null
                && _tokens.TryGetValue(token, out var issued)
                && _scheduler.Now < issued.ExpiresAt
                && issued.AllowedApps.Any(a => a == appId || a == Alias(appId) || a.StartsWith(appId + "/", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Serves an accepted WebSocket (in memory, or the emulator's Kestrel one) for the app at <paramref name="url"/>;
    /// completes when the connection ends.
    /// </summary>
    /// <param name="url">The URL the client opened.</param>
    /// <param name="socket">The accepted socket.</param>
    /// <param name="authorization">The handshake's <c>Authorization</c> header: an accepted key is header auth (fal_client's <c>use_jwt=False</c>).</param>
    internal Task ServeAsync(Uri url, WebSocket socket, string? authorization = null)
    {
        if (FindApp(url) is not { } found)
        {
            socket.Abort();
            return Task.CompletedTask;
        }

        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var token = query["fal_jwt_token"];
        int? maxBuffering = int.TryParse(query["max_buffering"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var connection = new FalSimulatedRealtimeConnection(found.AppId, url, token, maxBuffering, socket, _scheduler, found);
        var headerAuth = !string.IsNullOrEmpty(authorization) && IsAcceptedKey(KeyOf(authorization));
        connection.HeaderAuth = headerAuth;
        var authorized = headerAuth || IsAuthorized(token, found.AppId);
        lock (_gate)
        {
            _connections.Add(connection);
        }

        // Read first, so that the client's answer to a refusal's close is seen.
        var serving = connection.ServeAsync();
        if (!authorized)
        {
            connection.Refuse();
        }
        else if (maxBuffering is < 1 or > 60)
        {
            connection.SendJson(new Dictionary<string, string> { ["type"] = "x-fal-error", ["error"] = "INVALID_PARAMETER", ["reason"] = "max_buffering must be between 1 and 60." });
            connection.Close(1008, "invalid max_buffering");
        }
        else
        {
            connection.Opened();
        }

        return serving;
    }

    /// <summary>The app mapped at exactly the URL's path (fal serves the paths an app declares, nothing else).</summary>
    private RealtimeApp? FindApp(Uri url)
    {
        var path = url.AbsolutePath;
        var root = RunUrl.AbsolutePath;
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        var key = Uri.UnescapeDataString(path[root.Length..]).Trim('/');
        lock (_gate)
        {
            return _apps.GetValueOrDefault(key);
        }
    }

    private static string Alias(string appId) => appId.Split('/') is { Length: >= 2 } parts ? parts[parts[0] is "workflows" or "comfy" ? 2 : 1] : appId;

    private static byte[] Detail(string detail) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["detail"] = detail });

    private static Uri BaseUrl(Uri url, string name)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{name} must be an absolute http or https URL.", name);
        }

        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }
}
