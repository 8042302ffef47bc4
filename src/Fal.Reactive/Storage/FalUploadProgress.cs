namespace Fal.Reactive;

/// <summary>How far an upload is. The last report of <see cref="FalStorage.Upload(FalUploadContent, FalUploadOptions?)"/> carries the file's <see cref="Url"/>.</summary>
/// <param name="BytesUploaded">Bytes sent so far (for a multipart upload: in parts fal has acknowledged).</param>
/// <param name="TotalBytes">The upload's size, when known (a file, a seekable stream, a declared length).</param>
/// <param name="Url">The file URL, once the upload has succeeded; otherwise null.</param>
public sealed record FalUploadProgress(long BytesUploaded, long? TotalBytes, Uri? Url = null)
{
    /// <summary>Gets the fraction done, 0 to 1, when the size is known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Min(1.0, (double)BytesUploaded / total) : TotalBytes == 0 ? 1.0 : null;
}
