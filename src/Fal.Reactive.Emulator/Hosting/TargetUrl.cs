namespace Fal.Reactive.Emulator.Hosting;

/// <summary>Maps a real fal URL (from <c>x-fal-target-url</c>) onto the emulator's origin.</summary>
internal static class TargetUrl
{
    public static Uri? Map(string target, FalEmulatorUrls urls)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url))
        {
            return null;
        }

        if (string.Equals(url.Authority, urls.Base.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        Uri? host = url.Host.ToUpperInvariant() switch
        {
            "QUEUE.FAL.RUN" or "QUEUE.FALRUN.COM" => urls.Queue,
            "FAL.RUN" => urls.Run,
            "REST.FAL.AI" or "REST.ALPHA.FAL.AI" => urls.Rest,
            "API.FAL.AI" => urls.Api,
            "V3.FAL.MEDIA" => urls.Cdn,
            _ => null,
        };
        return host is null ? null : new Uri(host, url.PathAndQuery.TrimStart('/'));
    }
}
