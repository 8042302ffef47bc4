namespace Fal.Reactive.Testing;

/// <summary>A file held by the simulator's storage, served at <see cref="Url"/>.</summary>
/// <param name="Url">The file URL on the CDN host.</param>
/// <param name="ContentType">The content type it is served with.</param>
/// <param name="FileName">The file name given at upload.</param>
/// <param name="Content">The bytes.</param>
public sealed record FalSimulatedFile(Uri Url, string ContentType, string FileName, ReadOnlyMemory<byte> Content)
{
    /// <summary>Gets the object lifecycle the upload asked for (the raw JSON of <c>X-Fal-Object-Lifecycle-Preference</c> or <c>X-Fal-Object-Lifecycle</c>), if any.</summary>
    public string? Lifecycle { get; init; }

    /// <summary>Gets the scheduler time after which the file is no longer served (404), from the lifecycle; null when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the number of parts it was uploaded in; 0 for a single upload.</summary>
    public int PartCount { get; init; }
}
