using System.Globalization;

namespace Fal.Reactive.Testing.Storage;

/// <summary>The simulated storage: file slots by id, served under the CDN host. Not thread-safe: used under the facade's lock.</summary>
internal sealed class FileStore(Uri cdnUrl)
{
    public const string DefaultContentType = "application/octet-stream";
    public const string DefaultFileName = "upload.bin";

    private readonly List<StoredFile> _files = [];
    private readonly Dictionary<string, StoredFile> _byId = new(StringComparer.Ordinal);
    private int _nextFile;
    private int _nextToken;

    public Uri CdnUrl => cdnUrl;

    /// <summary>Gets every file whose bytes are stored, in creation order.</summary>
    public IEnumerable<FalSimulatedFile> Files => _files.Where(f => f.Content is not null).Select(ToPublic);

    /// <summary>Opens a slot; its bytes come with an upload (or at once, for <see cref="FalSimulator.AddFile"/>).</summary>
    public StoredFile Create(string contentType, string fileName)
    {
        var id = (++_nextFile).ToString("x8", CultureInfo.InvariantCulture);
        var file = new StoredFile(id, new Uri(cdnUrl, $"files/{id}/{Uri.EscapeDataString(fileName)}"), contentType, fileName);
        _files.Add(file);
        _byId.Add(id, file);
        return file;
    }

    public int NextTokenNumber() => ++_nextToken;

    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StoredFile? file) => _byId.TryGetValue(id, out file);

    public FalSimulatedFile? Find(Uri url) =>
        _files.FirstOrDefault(f => f.Url == url && f.Content is not null) is { } stored ? ToPublic(stored) : null;

    public static FalSimulatedFile ToPublic(StoredFile file) => new(file.Url, file.ContentType, file.FileName, file.Content!.Value)
    {
        Lifecycle = file.Lifecycle,
        ExpiresAt = file.ExpiresAt,
        PartCount = file.PartCount,
    };
}
