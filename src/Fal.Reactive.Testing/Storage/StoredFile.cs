namespace Fal.Reactive.Testing.Storage;

/// <summary>A file slot in the simulator's storage; <see cref="Content"/> is null until its bytes are uploaded.</summary>
internal sealed class StoredFile(string id, Uri url, string contentType, string fileName)
{
    public string Id { get; } = id;

    public Uri Url { get; } = url;

    public string ContentType { get; set; } = contentType;

    public string FileName { get; } = fileName;

    public ReadOnlyMemory<byte>? Content { get; set; }
}
