// Linked source: this file is compiled into several assemblies (<Compile Include="..\Shared\AppNamespaces.cs" />).
// Which first segments of an app id are namespaces is a fact of fal's protocol that the client and the test kit must
// agree on; the test kit must not depend on the client's internals, so the list lives once here.
namespace Fal.Reactive;

/// <summary>The namespaces an app id may start with (<c>workflows/owner/alias</c>, <c>comfy/owner/alias</c>).</summary>
internal static class AppNamespaces
{
    /// <summary>Gets the namespace names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["workflows", "comfy"];

    /// <summary>
    /// Returns 1 when the first segment is a namespace, else 0: status, result and cancel URLs keep the namespace,
    /// the owner and the alias (this many segments plus two) and drop the rest of the path.
    /// </summary>
    public static int PrefixLength(IReadOnlyList<string> segments) =>
        segments.Count > 0 && Names.Contains(segments[0], StringComparer.Ordinal) ? 1 : 0;
}
