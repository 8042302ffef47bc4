namespace Fal.Reactive.Testing;

/// <summary>Classifies a call by host, method and path: which of fal's endpoints it is.</summary>
internal static class CallClassifier
{
    public static FalCallKind Classify(SimulatorHosts hosts, Uri? host, string method, string[] s)
    {
        if (host == hosts.Queue)
        {
            return Queue(method, s);
        }

        if (host == hosts.Run)
        {
            return method != "POST" || s.Length < AppPath.OwnerAliasLength(s) ? FalCallKind.Unknown
                : s[^1] == "stream" ? FalCallKind.Stream
                : FalCallKind.Run;
        }

        if (host == hosts.Rest)
        {
            return (method, string.Join('/', s)) switch
            {
                ("POST", "storage/upload/initiate") => FalCallKind.UploadInitiate,
                ("POST", "storage/auth/token") => FalCallKind.StorageToken,
                ("POST", "storage/upload/initiate-multipart") => FalCallKind.MultipartInitiate,
                ("GET", ".well-known/jwks.json") => FalCallKind.Jwks,
                ("POST", "tokens") => FalCallKind.TemporaryToken,
                _ => FalCallKind.Unknown,
            };
        }

        if (host == hosts.Cdn)
        {
            return (method, s) switch
            {
                ("PUT", ["upload", _]) => FalCallKind.UploadPut,
                ("POST", ["files", "upload"]) => FalCallKind.CdnUpload,
                ("POST", ["files", "upload", "multipart"]) => FalCallKind.CdnMultipartCreate,
                // fal_client's parts go under the file's access_url, the JS client's under the signed upload_url.
                ("PUT", ["files", _, _, "multipart", _, _]) or ("PUT", ["multipart", _, _]) => FalCallKind.MultipartPart,
                ("POST", ["files", _, _, "multipart", _, "complete"]) or ("POST", ["multipart", _, "complete"]) => FalCallKind.MultipartComplete,
                ("GET", ["files", _, ..]) => FalCallKind.File,
                _ => FalCallKind.Unknown,
            };
        }

        if (host == hosts.Api)
        {
            return (method, string.Join('/', s)) switch
            {
                ("GET", "v1/models/requests/by-endpoint") => FalCallKind.RequestListing,
                _ => FalCallKind.Unknown,
            };
        }

        return FalCallKind.Unknown;
    }

    /// <summary>
    /// Queue host: <c>POST {app id}</c> submits; <c>{owner/alias}/requests/{id}[/status[/stream]|/cancel]</c> address a
    /// request. Status URLs under a sub-path (<c>fal-ai/flux/dev/requests/…</c>) are not fal's and are not routed.
    /// </summary>
    private static FalCallKind Queue(string method, string[] s)
    {
        var n = AppPath.OwnerAliasLength(s);
        if (s.Length >= n + 2 && s[n] == "requests")
        {
            return (method, s.Length - n - 2) switch
            {
                ("GET", 0) => FalCallKind.Result,
                ("GET", 1) when s[^1] == "status" => FalCallKind.Status,
                ("GET", 2) when s[^2] == "status" && s[^1] == "stream" => FalCallKind.StatusStream,
                ("PUT", 1) when s[^1] == "cancel" => FalCallKind.Cancel,
                _ => FalCallKind.Unknown,
            };
        }

        return method == "POST" && s.Length >= n ? FalCallKind.Submit : FalCallKind.Unknown;
    }
}
