using Fal.Reactive.Testing.Http;

namespace Fal.Reactive.Testing.Routing;

/// <summary>fal's key check: <c>Authorization: Key &lt;key&gt;</c>, against the accepted keys when configured.</summary>
internal sealed class KeyCheck(IReadOnlyCollection<string>? acceptedKeys)
{
    private readonly HashSet<string>? _accepted = acceptedKeys is null ? null : new HashSet<string>(acceptedKeys, StringComparer.Ordinal);

    /// <summary>Whether the endpoint needs the key. Upload URLs (and multipart part URLs) are their own credential; files are public; the CDN takes a token.</summary>
    public static bool RequiresKey(FalCallKind kind) =>
        kind is not (FalCallKind.Unknown or FalCallKind.UploadPut or FalCallKind.File or FalCallKind.CdnUpload
            or FalCallKind.CdnMultipartCreate or FalCallKind.MultipartPart or FalCallKind.MultipartComplete);

    /// <summary>Returns the 401 answer when the key is missing, malformed or rejected; null when it is accepted.</summary>
    public SimulatorHttpResponse? Authorize(SimulatorHttpRequest request)
    {
        var header = request.Header("Authorization");
        if (string.IsNullOrWhiteSpace(header))
        {
            return SimulatorHttpResponse.Detail(401, "Missing credentials: send 'Authorization: Key <FAL_KEY>'.");
        }

        var key = header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) ? header[4..].Trim() : string.Empty;
        if (key.Length == 0)
        {
            return SimulatorHttpResponse.Detail(401, "Invalid authorization header: expected 'Key <FAL_KEY>'.");
        }

        // The key itself is never echoed, logged or recorded.
        return _accepted is null || _accepted.Contains(key) ? null : SimulatorHttpResponse.Detail(401, "Invalid API key.");
    }
}
