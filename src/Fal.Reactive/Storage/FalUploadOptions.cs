namespace Fal.Reactive;

/// <summary>Options for one upload to fal storage.</summary>
public sealed class FalUploadOptions
{
    /// <summary>Gets or sets the MIME type. Default: guessed from the file name's extension (<see cref="FalStorage.ContentTypeOf"/>).</summary>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the file name fal stores (last segment of the URL). Default: the file's own name, else <c>upload.bin</c>.</summary>
    public string? FileName { get; set; }

    /// <summary>
    /// Gets or sets the length of a stream that cannot tell it (not seekable). A stream that ends before it fails the
    /// upload with <see cref="FalUploadException"/>. Ignored for files and byte arrays.
    /// </summary>
    public long? ContentLength { get; set; }

    /// <summary>Gets or sets how long fal keeps the file (<c>X-Fal-Object-Lifecycle-Preference</c>). Default: fal's account setting.</summary>
    public FalObjectLifecycle? Lifecycle { get; set; }

    /// <summary>Gets or sets a receiver of progress reports (on the thread that sends; keep it quick).</summary>
    public IProgress<FalUploadProgress>? Progress { get; set; }

    internal static readonly FalUploadOptions Default = new();
}
