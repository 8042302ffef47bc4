
namespace Fal.Reactive.Testing;

/// <summary>
/// fal's credential check: <c>Authorization: Key &lt;key&gt;</c>, against the accepted keys when configured, or a
/// temporary token the simulator issued (<c>Authorization: Bearer &lt;token&gt;</c>, or <c>?fal_jwt_token=</c> on a
/// stream), scoped like the key that asked for it and to the apps it was issued for.
/// </summary>
internal sealed class KeyCheck(IReadOnlyCollection<string>? acceptedKeys, IssuedTokens tokens)
{
    // Each accepted key maps to an opaque owner id ("key-1", ...): requests record that, never the key itself.
    private readonly Dictionary<string, string>? _owners = acceptedKeys?
        .Distinct(StringComparer.Ordinal)
        .Select((key, index) => (key, owner: "key-" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
        .ToDictionary(p => p.key, p => p.owner, StringComparer.Ordinal);

    /// <summary>The tokens this check accepts besides keys.</summary>
    public IssuedTokens Tokens => tokens;

    /// <summary>
    /// Whether the endpoint needs the key. Upload URLs (and multipart part URLs) are their own credential; files and
    /// webhook keys are public; the CDN takes a token.
    /// </summary>
    public static bool RequiresKey(FalCallKind kind) =>
        kind is not (FalCallKind.Unknown or FalCallKind.UploadPut or FalCallKind.File or FalCallKind.CdnUpload
            or FalCallKind.CdnMultipartCreate or FalCallKind.MultipartPart or FalCallKind.MultipartComplete or FalCallKind.Jwks);

    /// <summary>
    /// Whether a temporary token stands in for the key: on the inference calls (queue, run, stream) and storage, where
    /// the official clients' token credentials go. Minting a token and fal's platform API (the request listing) need the key.
    /// </summary>
    private static bool AcceptsToken(FalCallKind kind) => kind is not (FalCallKind.TemporaryToken or FalCallKind.RequestListing);

    /// <summary>Whether the call names an app the token must open (storage calls name none).</summary>
    private static bool IsAppCall(FalCallKind kind) => kind is FalCallKind.Submit or FalCallKind.Status or FalCallKind.StatusStream
        or FalCallKind.Result or FalCallKind.Cancel or FalCallKind.Run or FalCallKind.Stream;

    /// <summary>
    /// Checks the caller of a call that needs a key: the 401/403 answer when refused, else null and the owner (the opaque
    /// id of the key, or of the key that issued the token; null when any key is accepted: nothing to scope by).
    /// </summary>
    public SimulatorHttpResponse? Authorize(SimulatorHttpRequest request, FalCallKind kind, string[] segments, out string? owner)
    {
        owner = null;
        var header = request.Header("Authorization");
        // The JS client's stream in client mode sends no header, only the token in the query (fal_jwt_token).
        var queryToken = string.IsNullOrWhiteSpace(header) && kind == FalCallKind.Stream
            ? System.Web.HttpUtility.ParseQueryString(request.Url.Query)["fal_jwt_token"]
            : null;
        if (string.IsNullOrWhiteSpace(header) && string.IsNullOrEmpty(queryToken))
        {
            return SimulatorHttpResponse.Detail(401, "Missing credentials: send 'Authorization: Key <FAL_KEY>'.");
        }

        var token = queryToken ?? BearerOf(header!);
        if (token is not null)
        {
            // Neither the token nor anything derived from it is echoed.
            if (!AcceptsToken(kind))
            {
                return SimulatorHttpResponse.Detail(401, "This endpoint needs an API key: send 'Authorization: Key <FAL_KEY>'.");
            }

            if (tokens.FindValid(token) is not { } issued)
            {
                return SimulatorHttpResponse.Detail(401, "Invalid or expired token.");
            }

            if (IsAppCall(kind) && !issued.Opens(segments))
            {
                return SimulatorHttpResponse.Detail(403, "The token does not allow this app.");
            }

            owner = issued.Owner;
            return null;
        }

        var key = KeyOf(header!);
        if (key.Length == 0)
        {
            return SimulatorHttpResponse.Detail(401, "Invalid authorization header: expected 'Key <FAL_KEY>'.");
        }

        // The key itself is never echoed, logged or recorded.
        if (_owners is null)
        {
            return null;
        }

        return _owners.TryGetValue(key, out owner) ? null : SimulatorHttpResponse.Detail(401, "Invalid API key.");
    }

    /// <summary>
    /// The owner of a key when it is accepted (its opaque id; null when any key is accepted), or false when it is
    /// refused: what a token issued to that key is scoped to.
    /// </summary>
    public bool TryOwnerOfKey(string? authorization, out string? owner)
    {
        owner = null;
        var key = authorization is null ? string.Empty : KeyOf(authorization);
        return key.Length > 0 && (_owners is null || _owners.TryGetValue(key, out owner));
    }

    private static string KeyOf(string header) =>
        header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) ? header[4..].Trim() : string.Empty;

    private static string? BearerOf(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
}
