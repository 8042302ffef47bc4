using System.Globalization;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Hosting;

/// <summary>The emulator's command-line flags → <see cref="FalEmulatorOptions"/>.</summary>
internal static class CommandLine
{
    public const string DefaultUrls = "http://127.0.0.1:8765";

    public static readonly string Help = string.Join(Environment.NewLine,
        "Fal.Reactive.Emulator: a local fal.ai (queue, run, stream, storage) on Kestrel.",
        $"  --urls <url>             listen URL (default {DefaultUrls}); --port <n> for loopback on n, 0 for a free port",
        "  --workers <n>            workers serving the queue (default 4)",
        "  --keys <k1,k2>           accepted API keys (default: any non-empty key); requests are then scoped to their key",
        "  --latency-ms <n>         extra delay before each answer (default 0)",
        "  --max-requests <n>       finished requests kept (default 10000)",
        "  --max-calls <n>          recorded calls (and webhooks) kept (default 10000)",
        "  --max-files <n>          stored files kept (default 1000)",
        "  --max-file-mb <n>        total MiB of stored files kept (default 256); a bigger upload is refused with 413",
        "  --retention-minutes <n>  how long finished requests, calls and files are kept (default 60)");

    /// <summary>Parses the flags; returns null and an error (or null error and help) when they cannot be used.</summary>
    public static FalEmulatorOptions? Parse(IReadOnlyList<string> args, out string? error, out bool help)
    {
        var options = new FalEmulatorOptions { Urls = DefaultUrls, LogToConsole = true };
        var retention = options.Retention;
        error = null;
        help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            var ok = args[i] switch
            {
                "--urls" when value is not null => Set(() => options.Urls = value),
                "--port" when Number(value) is { } port and <= 65535 => Set(() => options.Urls = $"http://127.0.0.1:{port}"),
                "--workers" when Number(value) is { } workers and > 0 => Set(() => options.Workers = (int)workers),
                "--keys" when value is not null => Set(() => options.Keys = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                "--latency-ms" when Number(value) is { } latency => Set(() => options.Latency = TimeSpan.FromMilliseconds(latency)),
                "--max-requests" when Number(value) is { } n and <= int.MaxValue => Set(() => retention.MaxFinishedRequests = (int)n),
                "--max-calls" when Number(value) is { } n and <= int.MaxValue => Set(() => retention.MaxCalls = (int)n),
                "--max-files" when Number(value) is { } n and <= int.MaxValue => Set(() => retention.MaxFiles = (int)n),
                "--max-file-mb" when Number(value) is { } mb and <= long.MaxValue / (1024 * 1024) => Set(() => retention.MaxFileBytes = mb * 1024 * 1024),
                "--retention-minutes" when Number(value) is { } minutes and <= 5_256_000 => Set(() => retention.MaxAge = TimeSpan.FromMinutes(minutes)),
                "--help" or "-h" => false,
                _ => false,
            };
            if (!ok)
            {
                help = args[i] is "--help" or "-h";
                error = help ? null : $"Unknown or incomplete argument '{args[i]}'. Try --help.";
                return null;
            }

            i++;
        }

        return options;
    }

    private static bool Set(Action set)
    {
        set();
        return true;
    }

    private static long? Number(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
