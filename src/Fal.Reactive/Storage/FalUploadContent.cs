namespace Fal.Reactive;

/// <summary>
/// What <see cref="FalStorage"/> uploads: a file on disk, a stream or bytes. A <see cref="FileInfo"/> or a
/// <see cref="Stream"/> converts implicitly, so <c>fal.Storage.UploadAsync(new FileInfo("cat.png"))</c> reads as
/// before; bytes need their MIME type (<see cref="FromBytes"/>). Nothing is opened or read until the upload starts
/// (<see cref="FalStorage.UploadAsync(FalUploadContent, FalUploadOptions?, CancellationToken)"/>: at the call; <see cref="FalStorage.Upload(FalUploadContent, FalUploadOptions?)"/>: when subscribed).
/// </summary>
public sealed class FalUploadContent
{
    private readonly Func<FalUploadOptions, UploadSource> _open;

    private FalUploadContent(Func<FalUploadOptions, UploadSource> open) => _open = open;

    /// <summary>A file on disk, read as it is sent; its MIME type from its extension unless the options give one.</summary>
    /// <param name="file">The file.</param>
    public static implicit operator FalUploadContent(FileInfo file) => FromFile(file);

    /// <summary>A stream, read from its current position as it is sent (not disposed).</summary>
    /// <param name="stream">The stream.</param>
    public static implicit operator FalUploadContent(Stream stream) => FromStream(stream);

    /// <inheritdoc cref="op_Implicit(FileInfo)"/>
    /// <returns>The content.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="file"/> is null.</exception>
    public static FalUploadContent FromFile(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new(options => UploadSource.FromFile(file, options));
    }

    /// <inheritdoc cref="op_Implicit(Stream)"/>
    /// <returns>The content.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static FalUploadContent FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(options => UploadSource.FromStream(stream, options));
    }

    /// <summary>Bytes in memory, with their MIME type (and a file name, default <c>upload.bin</c>).</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="contentType">Its MIME type, e.g. <c>image/png</c>.</param>
    /// <param name="fileName">A file name; default <c>upload.bin</c>.</param>
    /// <returns>The content.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="contentType"/> is null or blank.</exception>
    public static FalUploadContent FromBytes(byte[] data, string contentType, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return new(options => UploadSource.FromBytes(data, options.FileName ?? fileName ?? FileStoreDefaults.FileName, options.ContentType ?? contentType));
    }

    /// <summary>Opens the content for one upload (a file is opened here: a missing one throws now).</summary>
    internal UploadSource Open(FalUploadOptions options) => _open(options);
}
