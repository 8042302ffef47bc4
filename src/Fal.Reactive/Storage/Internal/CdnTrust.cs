namespace Fal.Reactive;

/// <summary>
/// Which hosts may receive a CDN token. The token endpoint names the CDN (<c>base_url</c>) and an upload names the file
/// (<c>access_url</c>); the token only goes there when that host is fal's CDN (<c>https</c> on <c>fal.media</c> or a
/// subdomain) or on the configured REST host's origin (the emulator and a local proxy serve the CDN there). Any other
/// host gets no token: the upload falls back to the REST host's signed URLs.
/// </summary>
internal static class CdnTrust
{
    public static bool IsTrusted(Uri url, Uri restUrl) =>
        url.IsAbsoluteUri
        && ((url.Scheme == Uri.UriSchemeHttps
                && (url.Host.Equals("fal.media", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".fal.media", StringComparison.OrdinalIgnoreCase)))
            || (url.Scheme == restUrl.Scheme && string.Equals(url.Authority, restUrl.Authority, StringComparison.OrdinalIgnoreCase)));
}
