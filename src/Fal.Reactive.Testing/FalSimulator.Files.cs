
namespace Fal.Reactive.Testing;

// The simulated storage's public face: what it holds, and files added by a test.
public sealed partial class FalSimulator
{
    /// <summary>Gets every file whose bytes the storage holds (retention drops the oldest), oldest first.</summary>
    public IReadOnlyList<FalSimulatedFile> Files
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return [.. _files.Files];
            }
        }
    }

    /// <summary>
    /// Gets how many bytes the storage holds: stored files and the parts of multipart uploads not yet completed, which
    /// count against <see cref="FalSimulatorRetention.MaxFileBytes"/> as they arrive.
    /// </summary>
    public long StoredBytes
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return _files.TotalBytes;
            }
        }
    }

    /// <summary>Stores a file and returns where it is served, as an upload would. Useful for apps that output files.</summary>
    /// <param name="content">The bytes.</param>
    /// <param name="contentType">The content type served with them.</param>
    /// <param name="fileName">The file name, last segment of the URL.</param>
    /// <returns>The stored file.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="contentType"/> or <paramref name="fileName"/> is null or empty, or <paramref name="content"/> is
    /// larger than <see cref="FalSimulatorRetention.MaxFileBytes"/>.
    /// </exception>
    public FalSimulatedFile AddFile(ReadOnlyMemory<byte> content, string contentType, string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (!_files.Fits(content.Length))
        {
            throw new ArgumentException("The file is larger than FalSimulatorRetention.MaxFileBytes.", nameof(content));
        }

        lock (_gate)
        {
            var file = _files.Create(contentType, fileName, _scheduler.Now);
            _files.Store(file, content.ToArray(), _scheduler.Now);
            var stored = FileStore.ToPublic(file);
            Trim();
            return stored;
        }
    }

    /// <summary>Gets a stored file by its URL.</summary>
    /// <param name="url">The file URL.</param>
    /// <param name="file">The file, when found.</param>
    /// <returns>Whether a file with bytes is stored at <paramref name="url"/>.</returns>
    public bool TryGetFile(Uri url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FalSimulatedFile? file)
    {
        ArgumentNullException.ThrowIfNull(url);
        lock (_gate)
        {
            Trim();
            file = _files.Find(url);
            return file is not null;
        }
    }
}
