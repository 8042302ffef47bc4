
namespace Fal.Reactive.Testing;

/// <summary>Finds, classifies and authorises an HTTP call: which host and endpoint, and whether it may be served. Holds no state.</summary>
internal sealed class SimulatorRouter(SimulatorHosts hosts, KeyCheck keys)
{
    /// <summary>The credential check (keys and the tokens issued with them).</summary>
    public KeyCheck Keys => keys;

    public RoutedCall Route(SimulatorHttpRequest request)
    {
        var (host, segments) = hosts.Locate(request.Url);
        var kind = CallClassifier.Classify(hosts, host, request.Method, segments);
        var rejection = Refuse(kind, request, segments, out var owner);
        return new RoutedCall(kind, segments, rejection, rejection is null ? owner : null);
    }

    private SimulatorHttpResponse? Refuse(FalCallKind kind, SimulatorHttpRequest request, string[] segments, out string? owner)
    {
        owner = null;
        if (KeyCheck.RequiresKey(kind) && keys.Authorize(request, kind, segments, out owner) is { } unauthorized)
        {
            return unauthorized;
        }

        return kind switch
        {
            // The CDN takes the storage token, whatever it is: only its absence is refused.
            FalCallKind.CdnUpload or FalCallKind.CdnMultipartCreate when string.IsNullOrWhiteSpace(request.Header("Authorization")) =>
                SimulatorHttpResponse.Detail(401, "Missing authorization header."),
            FalCallKind.Unknown => SimulatorHttpResponse.Detail(404, $"Path /{string.Join('/', segments)} not found"),
            _ => null,
        };
    }
}
