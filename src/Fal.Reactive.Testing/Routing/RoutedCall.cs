
namespace Fal.Reactive.Testing;

/// <summary>A call as routed: what it is, its path below its host, and the answer when it is refused before being served.</summary>
/// <param name="Kind">The endpoint.</param>
/// <param name="Segments">The path segments below the host, unescaped.</param>
/// <param name="Rejection">401 (key) or 404 (no endpoint); null when the call is to be served.</param>
/// <param name="Owner">The opaque id of the caller's key when keys are configured: requests are scoped to it. Null otherwise.</param>
internal sealed record RoutedCall(FalCallKind Kind, string[] Segments, SimulatorHttpResponse? Rejection, string? Owner = null);
