
namespace Fal.Reactive.Testing;

/// <summary>The parts of an app path: <c>[namespace/]owner/alias</c> names the app for status URLs, the rest is a sub-path.</summary>
internal static class AppPath
{
    /// <summary>The number of leading segments that name the app for status URLs: <c>owner/alias</c>, or three with a namespace.</summary>
    public static int OwnerAliasLength(string[] segments) => AppNamespaces.PrefixLength(segments) + 2;

    /// <summary>The <c>[namespace/]owner/alias</c> prefix of the segments.</summary>
    public static string OwnerAlias(string[] segments) => string.Join('/', segments.Take(OwnerAliasLength(segments)));
}
