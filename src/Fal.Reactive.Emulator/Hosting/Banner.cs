using System.Net;
using Fal.Reactive.Emulator.Apps;

namespace Fal.Reactive.Emulator.Hosting;

/// <summary>What the emulator prints when it starts: the addresses really bound, and a warning when one is not loopback.</summary>
internal static class Banner
{
    public static void Write(FalEmulator emulator, FalEmulatorOptions options, TextWriter output, TextWriter error)
    {
        var keys = options.Keys is null ? "any key" : $"{options.Keys.Count} configured key(s), each seeing only its own requests";
        var bound = string.Join(", ", emulator.ListenUrls.Select(u => u.GetLeftPart(UriPartial.Authority)));
        var clients = emulator.ListenUrls.Count == 1 && emulator.ListenUrls[0].Authority == emulator.BaseUrl.Authority ? string.Empty : $" (clients: {emulator.BaseUrl})";
        output.WriteLine($"Fal.Reactive emulator listening on {bound}{clients}; queue {emulator.QueueUrl}, run {emulator.RunUrl}, rest {emulator.RestUrl}; {options.Workers} workers; accepts {keys}.");
        var r = options.Retention;
        output.WriteLine($"Keeps {r.MaxFinishedRequests} finished requests, {r.MaxCalls} calls, {r.MaxFiles} files ({r.MaxFileBytes / (1024 * 1024)} MiB), each for {r.MaxAge.TotalMinutes:0.##} min.");
        output.WriteLine($"Apps: {string.Join(", ", BuiltInApps.Ids)}. Requests: {emulator.BaseUrl}_emulator/requests. Ctrl+C to stop.");
        output.WriteLine($"Realtime (WebSocket {emulator.RunUrl}{{app}}/realtime, tokens {emulator.RestUrl}tokens/): {string.Join(", ", FalEmulator.BuiltInRealtimeAppIds)}.");
        WarnIfExposed(emulator.ListenUrls, options.Keys is null, error);
    }

    /// <summary>Warns on <paramref name="error"/> when an address is not loopback: the emulator is a dev tool, not a server.</summary>
    public static void WarnIfExposed(IReadOnlyList<Uri> listenUrls, bool anyKey, TextWriter error)
    {
        if (listenUrls.FirstOrDefault(u => !IsLoopback(u)) is { } exposed)
        {
            error.WriteLine($"warning: listening on {exposed.GetLeftPart(UriPartial.Authority)}, which is not loopback: anyone who can reach it can use this emulator"
                + (anyKey ? " with any key (pass --keys)." : "."));
        }
    }

    /// <summary>Whether a bound address only accepts connections from this machine.</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
