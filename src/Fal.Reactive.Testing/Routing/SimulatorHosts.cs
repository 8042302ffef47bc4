
namespace Fal.Reactive.Testing;

/// <summary>The hosts the simulator answers on, and where a URL falls among them.</summary>
internal sealed class SimulatorHosts
{
    public SimulatorHosts(FalSimulatorOptions options)
    {
        Queue = BaseUrl(options.QueueUrl, nameof(options.QueueUrl));
        Run = BaseUrl(options.RunUrl, nameof(options.RunUrl));
        Rest = BaseUrl(options.RestUrl, nameof(options.RestUrl));
        Cdn = BaseUrl(options.CdnUrl, nameof(options.CdnUrl));
        Api = BaseUrl(options.ApiUrl, nameof(options.ApiUrl));
    }

    public Uri Queue { get; }

    public Uri Run { get; }

    public Uri Rest { get; }

    public Uri Cdn { get; }

    public Uri Api { get; }

    /// <summary>Finds the host a URL is on (null for none) and its path segments below that host, unescaped.</summary>
    public (Uri? Host, string[] Segments) Locate(Uri url)
    {
        var left = url.GetLeftPart(UriPartial.Path);
        Uri? host = null;
        foreach (var candidate in (ReadOnlySpan<Uri>)[Queue, Run, Rest, Cdn, Api])
        {
            // Longest prefix wins: the emulator serves the run host under the queue host's root.
            if (left.StartsWith(candidate.AbsoluteUri, StringComparison.OrdinalIgnoreCase)
                && (host is null || candidate.AbsoluteUri.Length > host.AbsoluteUri.Length))
            {
                host = candidate;
            }
        }

        if (host is null)
        {
            return (null, left.Split('/', StringSplitOptions.RemoveEmptyEntries)[2..]);
        }

        // Empty segments are dropped, so trailing slashes (the fal SDK sends them) are accepted.
        var segments = left[host.AbsoluteUri.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (host, [.. segments.Select(Uri.UnescapeDataString)]);
    }

    private static Uri BaseUrl(Uri? url, string name)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            throw new ArgumentException($"{name} must be an absolute URL.", name);
        }

        return BaseUrls.WithTrailingSlash(url);
    }
}
