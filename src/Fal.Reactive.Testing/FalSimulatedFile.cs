namespace Fal.Reactive.Testing;

/// <summary>A file held by the simulator's storage, served at <see cref="Url"/>.</summary>
/// <param name="Url">The file URL on the CDN host.</param>
/// <param name="ContentType">The content type it is served with.</param>
/// <param name="FileName">The file name given at upload.</param>
/// <param name="Content">The bytes.</param>
public sealed record FalSimulatedFile(Uri Url, string ContentType, string FileName, ReadOnlyMemory<byte> Content);
