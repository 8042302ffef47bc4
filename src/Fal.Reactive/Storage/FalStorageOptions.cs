namespace Fal.Reactive;

/// <summary>
/// How the client uploads (<see cref="FalClientOptions.Storage"/>). The defaults are fal_client's: the CDN token flow,
/// multipart above 100 MiB in 10 MiB parts.
/// </summary>
public sealed class FalStorageOptions
{
    /// <summary>fal_client's multipart threshold: 100 MiB.</summary>
    public const long DefaultMultipartThreshold = 100L * 1024 * 1024;

    /// <summary>fal's part size: 10 MiB.</summary>
    public const int DefaultPartSize = 10 * 1024 * 1024;

    /// <summary>Gets or sets the size above which an upload goes in parts. Default 100 MiB (fal_client's; the JS client's is 90 MiB).</summary>
    public long MultipartThreshold { get; set; } = DefaultMultipartThreshold;

    /// <summary>Gets or sets the part size of a multipart upload. Default 10 MiB; at least 1 byte, at most 1 GiB.</summary>
    public int PartSize { get; set; } = DefaultPartSize;

    /// <summary>
    /// Gets or sets how many parts are sent at once. Each part in flight holds one buffer of <see cref="PartSize"/>, so this
    /// bounds the memory an upload takes. Default 4 (40 MiB); fal_client sends up to 10.
    /// </summary>
    public int MaxConcurrentParts { get; set; } = 4;

    /// <summary>
    /// Gets or sets a value indicating whether uploads go straight to fal's CDN with a short-lived token (fal_client's default,
    /// the default here). When false, or when the token cannot be had, uploads use the REST host's signed-URL flow.
    /// </summary>
    public bool UseCdnToken { get; set; } = true;

    internal FalStorageOptions Copy() => new()
    {
        MultipartThreshold = MultipartThreshold,
        PartSize = PartSize,
        MaxConcurrentParts = MaxConcurrentParts,
        UseCdnToken = UseCdnToken,
    };
}
