// Linked source: this file is compiled into several assemblies (<Compile Include="..\Shared\BaseUrls.cs" />).
// The client and the test kit both normalise their host URLs the same way, and the test kit must not depend on the
// client's internals, so the helper lives once here instead of in either assembly.
namespace Fal.Reactive;

/// <summary>Base URLs of fal's hosts, as the client and the simulator hold them.</summary>
internal static class BaseUrls
{
    /// <summary>
    /// Returns <paramref name="url"/> ending with a slash. Relative paths resolve under a base only when it ends with
    /// one: <c>new Uri(new Uri("http://h/_run"), "a/b")</c> is <c>http://h/a/b</c>, not <c>http://h/_run/a/b</c>.
    /// </summary>
    public static Uri WithTrailingSlash(Uri url) =>
        url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}
