
namespace Fal.Reactive.Testing;

/// <summary>fal's key check: <c>Authorization: Key &lt;key&gt;</c>, against the accepted keys when configured.</summary>
internal sealed class KeyCheck(IReadOnlyCollection<string>? acceptedKeys)
{
    // Each accepted key maps to an opaque owner id ("key-1", ...): requests record that, never the key itself.
    private readonly Dictionary<string, string>? _owners = acceptedKeys?
        .Distinct(StringComparer.Ordinal)
        .Select((key, index) => (key, owner: "key-" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
        .ToDictionary(p => p.key, p => p.owner, StringComparer.Ordinal);

    /// <summary>
    /// Whether the endpoint needs the key. Upload URLs (and multipart part URLs) are their own credential; files and
    /// webhook keys are public; the CDN takes a token.
    /// </summary>
    public static bool RequiresKey(FalCallKind kind) =>
        kind is not (FalCallKind.Unknown or FalCallKind.UploadPut or FalCallKind.File or FalCallKind.CdnUpload
            or FalCallKind.CdnMultipartCreate or FalCallKind.MultipartPart or FalCallKind.MultipartComplete or FalCallKind.Jwks);

    /// <summary>Returns the 401 answer when the key is missing, malformed or rejected; null when it is accepted.</summary>
    public SimulatorHttpResponse? Authorize(SimulatorHttpRequest request)
    {
        var header = request.Header("Authorization");
        if (string.IsNullOrWhiteSpace(header))
        {
            return SimulatorHttpResponse.Detail(401, "Missing credentials: send 'Authorization: Key <FAL_KEY>'.");
        }

        var key = KeyOf(header);
        if (key.Length == 0)
        {
            return SimulatorHttpResponse.Detail(401, "Invalid authorization header: expected 'Key <FAL_KEY>'.");
        }

        // The key itself is never echoed, logged or recorded.
        return _owners is null || _owners.ContainsKey(key) ? null : SimulatorHttpResponse.Detail(401, "Invalid API key.");
    }

    /// <summary>
    /// The owner of an authorised call: the opaque id of its key when keys are configured (requests are then scoped to
    /// the key that made them), null when any key is accepted (nothing to scope by: every caller may be anyone).
    /// </summary>
    public string? OwnerOf(SimulatorHttpRequest request) =>
        _owners is not null && request.Header("Authorization") is { } header && _owners.TryGetValue(KeyOf(header), out var owner) ? owner : null;

    private static string KeyOf(string header) =>
        header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) ? header[4..].Trim() : string.Empty;
}
