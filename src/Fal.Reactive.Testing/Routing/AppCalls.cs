using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>What a script factory is shown of a submit, run or stream call.</summary>
internal static class AppCalls
{
    public static FalSimulatedRequestKind RequestKind(FalCallKind kind) => kind switch
    {
        FalCallKind.Submit => FalSimulatedRequestKind.Queue,
        FalCallKind.Stream => FalSimulatedRequestKind.Stream,
        _ => FalSimulatedRequestKind.Run,
    };

    /// <summary>The call as its app sees it: the mapped id, the sub-path after it, the input, the headers without the key.</summary>
    public static FalAppCall Create(string appId, string[] segments, FalCallKind kind, JsonElement input, IReadOnlyDictionary<string, string> headers)
    {
        var appSegmentCount = appId.Split('/').Length;
        var path = segments.Length > appSegmentCount ? "/" + string.Join('/', segments[appSegmentCount..]) : string.Empty;
        var visibleHeaders = headers
            .Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new FalAppCall(appId, path, RequestKind(kind), input, visibleHeaders);
    }
}
