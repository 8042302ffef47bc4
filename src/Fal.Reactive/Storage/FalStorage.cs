namespace Fal.Reactive;

/// <summary>
/// fal storage: upload files to get URLs to pass as app inputs, or encode small files inline as data URIs.
/// </summary>
public class FalStorage
{
    private readonly FalQueueApi _api;

    internal FalStorage(FalQueueApi api) => _api = api;

    /// <summary>For mocking.</summary>
    protected FalStorage() => _api = null!;

    /// <summary>Uploads bytes to fal storage and returns the URL that serves them.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="contentType">Its MIME type, e.g. <c>image/png</c>.</param>
    /// <param name="fileName">A file name; default <c>upload.bin</c>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file URL.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="contentType"/> is null.</exception>
    /// <exception cref="FalHttpException">fal refused the upload.</exception>
    public virtual Task<Uri> UploadAsync(byte[] data, string contentType, string? fileName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return _api.UploadAsync(data, contentType, fileName ?? "upload.bin", cancellationToken);
    }

    /// <summary>Uploads a file from disk; the MIME type comes from its extension.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file URL.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public virtual async Task<Uri> UploadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return await UploadAsync(data, ContentTypeOf(path), Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encodes bytes as a <c>data:</c> URI, which fal apps accept wherever they take a file URL.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="contentType">Their MIME type.</param>
    /// <returns><c>data:{contentType};base64,{data}</c>.</returns>
    public static string EncodeDataUri(ReadOnlySpan<byte> data, string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return $"data:{contentType};base64,{Convert.ToBase64String(data)}";
    }

    /// <summary>The MIME type of a file name's extension; <c>application/octet-stream</c> when unknown.</summary>
    /// <param name="fileName">The file name or path.</param>
    /// <returns>The MIME type.</returns>
    public static string ContentTypeOf(string fileName) =>
        Path.GetExtension(fileName).ToUpperInvariant() switch
        {
            ".PNG" => "image/png",
            ".JPG" or ".JPEG" => "image/jpeg",
            ".GIF" => "image/gif",
            ".WEBP" => "image/webp",
            ".MP4" => "video/mp4",
            ".WEBM" => "video/webm",
            ".MP3" => "audio/mpeg",
            ".WAV" => "audio/wav",
            ".JSON" => "application/json",
            ".TXT" => "text/plain",
            ".PDF" => "application/pdf",
            _ => "application/octet-stream",
        };
}
