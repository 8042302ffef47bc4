using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// fal storage: upload files to get URLs to pass as app inputs, or encode small files inline as data URIs.
/// </summary>
public class FalStorage
{
    private readonly StorageUploader _uploader;

    internal FalStorage(FalTransport transport) => _uploader = new StorageUploader(transport);

    /// <summary>For mocking.</summary>
    protected FalStorage() => _uploader = null!;

    /// <summary>Uploads a file from disk; the MIME type comes from its extension.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file URL.</returns>
    /// <exception cref="FileNotFoundException">There is no such file (thrown before anything is sent).</exception>
    public virtual Task<Uri> UploadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return UploadAsync(new FileInfo(path), options: null, cancellationToken);
    }

    /// <summary>
    /// Uploads a file, a stream or bytes to fal storage and returns the URL that serves them. A file or stream is
    /// read as it is sent (a large one is never held in memory; above <see cref="FalStorageOptions.MultipartThreshold"/>
    /// it goes in parts, in parallel). A stream's length is the seekable stream's, else
    /// <see cref="FalUploadOptions.ContentLength"/>; a stream of unknown length whose first part fills
    /// <see cref="FalStorageOptions.PartSize"/> goes in parts. A stream is not disposed.
    /// </summary>
    /// <param name="content">A <see cref="FileInfo"/> or <see cref="Stream"/> (converted implicitly), or <see cref="FalUploadContent.FromBytes"/>. A file is opened at the call: a missing or unreadable one throws before anything is sent.</param>
    /// <param name="options">Content type (default: from the file name), file name, declared length, lifecycle, progress.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file URL.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is null.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    /// <exception cref="FalUploadException">A stream ended before its declared length, a part failed after its retries, or fal did not complete a multipart upload.</exception>
    /// <exception cref="FalHttpException">fal refused the upload.</exception>
    public virtual Task<Uri> UploadAsync(FalUploadContent content, FalUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= FalUploadOptions.Default;
        return RunAsync(content.Open(options), options, cancellationToken);
    }

    /// <summary>
    /// Uploads a file, a stream or bytes when subscribed and reports its progress; the last report carries the
    /// file's <see cref="FalUploadProgress.Url"/>, then the sequence completes. Disposing the subscription stops the upload.
    /// </summary>
    /// <param name="content">As for <see cref="UploadAsync(FalUploadContent, FalUploadOptions?, CancellationToken)"/>; opened when subscribed (a missing file ends the sequence with <see cref="FileNotFoundException"/> before anything is sent; a stream is read from its position then, so once).</param>
    /// <param name="options">As for <see cref="UploadAsync(FalUploadContent, FalUploadOptions?, CancellationToken)"/>.</param>
    /// <returns>A cold observable of progress reports.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is null.</exception>
    public virtual IObservable<FalUploadProgress> Upload(FalUploadContent content, FalUploadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= FalUploadOptions.Default;
        return Observe(() => content.Open(options), options);
    }

    internal Task<Uri> UploadAsync(UploadSource source, CancellationToken cancellationToken) =>
        RunAsync(source, FalUploadOptions.Default, cancellationToken);

    private async Task<Uri> RunAsync(UploadSource source, FalUploadOptions options, CancellationToken cancellationToken)
    {
        using (source)
        {
            return await _uploader.UploadAsync(source, options, onNext: null, cancellationToken).ConfigureAwait(false);
        }
    }

    private IObservable<FalUploadProgress> Observe(Func<UploadSource> open, FalUploadOptions options) =>
        Observable.Create<FalUploadProgress>(async (observer, cancellationToken) =>
        {
            using var source = open();
            await _uploader.UploadAsync(source, options, observer.OnNext, cancellationToken).ConfigureAwait(false);
            observer.OnCompleted();
        });

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
