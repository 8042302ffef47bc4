using System.Security.Cryptography;

namespace Fal.Reactive.Testing;

/// <summary>
/// The simulated storage: file slots by id, served under the CDN host, bounded by the retention limits (count, total
/// bytes, age). Ids and upload signatures are random: a file URL cannot be guessed from another, and an upload URL
/// is a one-time credential. Not thread-safe: used under the facade's lock.
/// </summary>
internal sealed class FileStore(Uri cdnUrl, FalSimulatorRetention retention)
{
    public const string DefaultContentType = "application/octet-stream";
    public const string DefaultFileName = "upload.bin";

    // Oldest first (by StoredAt): retention drops from the front.
    private readonly LinkedList<StoredFile> _files = new();
    private readonly Dictionary<string, StoredFile> _byId = new(StringComparer.Ordinal);
    private long _totalBytes;

    public Uri CdnUrl => cdnUrl;

    /// <summary>Gets every file whose bytes are stored, oldest first.</summary>
    public IEnumerable<FalSimulatedFile> Files => _files.Where(f => f.Content is not null).Select(ToPublic);

    /// <summary>Gets the total size of the stored bytes, parts of unfinished multipart uploads included.</summary>
    public long TotalBytes => _totalBytes;

    public long MaxFileBytes => retention.MaxFileBytes;

    /// <summary>Whether <paramref name="length"/> bytes may be stored at all (not over the total-bytes bound on their own).</summary>
    public bool Fits(long length) => length <= retention.MaxFileBytes;

    /// <summary>Opens a slot; its bytes come with an upload (or at once, for <see cref="FalSimulator.AddFile"/>).</summary>
    public StoredFile Create(string contentType, string fileName, DateTimeOffset now)
    {
        var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var file = new StoredFile(id, new Uri(cdnUrl, $"files/{id}/{Uri.EscapeDataString(fileName)}"), contentType, fileName) { StoredAt = now };
        file.Node = _files.AddLast(file);
        _byId.Add(id, file);
        return file;
    }

    /// <summary>Stores a slot's bytes (the caller checked <see cref="Fits"/>); the file's age starts now.</summary>
    public void Store(StoredFile file, ReadOnlyMemory<byte> content, DateTimeOffset now)
    {
        _totalBytes += content.Length - (file.Content?.Length ?? 0);
        file.Content = content;
        file.StoredAt = now;
        if (file.Node is { List: not null } node)
        {
            _files.Remove(node);
            _files.AddLast(node);
        }
    }

    /// <summary>
    /// Keeps part <paramref name="partNumber"/> of an open multipart upload (replacing one sent before): its bytes count
    /// against the total-bytes bound from now on, so parts never completed are bounded (and dropped) like files.
    /// </summary>
    public void StorePart(StoredFile file, int partNumber, byte[] bytes, string etag)
    {
        var parts = file.Parts!;
        if (parts.TryGetValue(partNumber, out var replaced))
        {
            _totalBytes -= replaced.Bytes.Length;
        }

        parts[partNumber] = (bytes, etag);
        _totalBytes += bytes.Length;
    }

    /// <summary>Ends a multipart upload: its parts no longer count (the caller stores the joined content).</summary>
    public void ReleaseParts(StoredFile file)
    {
        _totalBytes -= PartBytes(file);
        file.Parts = null;
    }

    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StoredFile? file) => _byId.TryGetValue(id, out file);

    public FalSimulatedFile? Find(Uri url) =>
        _files.FirstOrDefault(f => f.Url == url && f.Content is not null) is { } stored ? ToPublic(stored) : null;

    /// <summary>Drops the oldest files (and unused upload slots) until the count, bytes and age bounds hold; frees their bytes.</summary>
    public void Drop(DateTimeOffset cutoff)
    {
        while (_files.First is { } first
            && (_files.Count > retention.MaxFiles || _totalBytes > retention.MaxFileBytes || first.Value.StoredAt < cutoff))
        {
            var file = first.Value;
            _files.RemoveFirst();
            _byId.Remove(file.Id);
            _totalBytes -= (file.Content?.Length ?? 0) + PartBytes(file);
            file.Content = null;
            file.Parts = null;
            file.Node = null;
        }
    }

    private static long PartBytes(StoredFile file) => file.Parts?.Values.Sum(p => (long)p.Bytes.Length) ?? 0;

    public static FalSimulatedFile ToPublic(StoredFile file) => new(file.Url, file.ContentType, file.FileName, file.Content!.Value)
    {
        Lifecycle = file.Lifecycle,
        ExpiresAt = file.ExpiresAt,
        PartCount = file.PartCount,
    };
}
