namespace Fal.Reactive.Testing;

/// <summary>What an HTTP call to the simulator was, as routed.</summary>
public enum FalCallKind
{
    /// <summary>Not routed to any endpoint (answered 404).</summary>
    Unknown,

    /// <summary><c>POST {queue}/{app id}</c>.</summary>
    Submit,

    /// <summary><c>GET {queue}/{owner}/{alias}/requests/{id}/status</c>.</summary>
    Status,

    /// <summary><c>GET {queue}/{owner}/{alias}/requests/{id}/status/stream</c> (server-sent events).</summary>
    StatusStream,

    /// <summary><c>GET {queue}/{owner}/{alias}/requests/{id}</c>.</summary>
    Result,

    /// <summary><c>PUT {queue}/{owner}/{alias}/requests/{id}/cancel</c>.</summary>
    Cancel,

    /// <summary><c>POST {run}/{app id}</c>.</summary>
    Run,

    /// <summary><c>POST {run}/{app id}/stream</c> (server-sent events).</summary>
    Stream,

    /// <summary><c>POST {rest}storage/upload/initiate</c>.</summary>
    UploadInitiate,

    /// <summary><c>PUT</c> of the bytes to an <c>upload_url</c>.</summary>
    UploadPut,

    /// <summary><c>POST {rest}storage/auth/token</c> (CDN token for direct uploads).</summary>
    StorageToken,

    /// <summary><c>POST {cdn}files/upload</c> (direct CDN upload).</summary>
    CdnUpload,

    /// <summary><c>GET</c> of a file URL.</summary>
    File,

    /// <summary><c>POST {rest}storage/upload/initiate-multipart</c> (the JS client's multipart upload, above 90 MiB).</summary>
    MultipartInitiate,

    /// <summary><c>POST {cdn}files/upload/multipart</c> (fal_client's multipart upload, with the CDN token).</summary>
    CdnMultipartCreate,

    /// <summary><c>PUT</c> of one part of a multipart upload.</summary>
    MultipartPart,

    /// <summary><c>POST</c> that completes a multipart upload.</summary>
    MultipartComplete,

    /// <summary><c>GET {rest}.well-known/jwks.json</c>: the keys webhooks are signed with (public, no key needed).</summary>
    Jwks,

    /// <summary><c>GET {api}v1/models/requests/by-endpoint</c>: fal's platform API listing an endpoint's requests.</summary>
    RequestListing,

    /// <summary><c>POST {rest}tokens/</c>: a temporary token for some apps, minted with the key (taken as <c>Bearer</c> or <c>fal_jwt_token</c> later).</summary>
    TemporaryToken,
}
