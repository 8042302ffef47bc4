namespace Fal.Reactive.Testing;

/// <summary>A file slot in the simulator's storage; <see cref="Content"/> is null until its bytes are uploaded.</summary>
internal sealed class StoredFile(string id, Uri url, string contentType, string fileName)
{
    public string Id { get; } = id;

    public Uri Url { get; } = url;

    public string ContentType { get; set; } = contentType;

    public string FileName { get; } = fileName;

    public ReadOnlyMemory<byte>? Content { get; set; }

    /// <summary>Gets or sets the lifecycle header the upload carried (raw JSON), if any.</summary>
    public string? Lifecycle { get; set; }

    /// <summary>Gets or sets when the file stops being served (from the lifecycle's <c>expiration_duration_seconds</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Gets the parts of a multipart upload in progress, by part number; null for a plain upload.</summary>
    public SortedDictionary<int, (byte[] Bytes, string ETag)>? Parts { get; set; }

    /// <summary>Gets or sets how many parts a completed multipart upload had.</summary>
    public int PartCount { get; set; }

    /// <summary>Gets or sets the secret of the slot's signed upload URL; null once used (or for a file stored at once).</summary>
    public string? UploadSignature { get; set; }

    /// <summary>Gets or sets when the slot was opened or its bytes stored: retention ages the file from there.</summary>
    public DateTimeOffset StoredAt { get; set; }

    /// <summary>Gets or sets the file's place in the storage order, for O(1) removal and move.</summary>
    public LinkedListNode<StoredFile>? Node { get; set; }
}
