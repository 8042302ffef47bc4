using System.Globalization;
using Fal.Reactive;

namespace RxConsole;

/// <summary>Which job the sample runs.</summary>
internal enum SampleCommand
{
    /// <summary>A batch of prompts with live progress, results on disk (the default).</summary>
    Batch,

    /// <summary>UI-style binding: statuses observed on a single-threaded context, projected into a view model.</summary>
    Bind,

    /// <summary>Print the help text.</summary>
    Help,
}

/// <summary>The command line, parsed. Every flag has a default, so the sample runs with none.</summary>
internal sealed record SampleOptions
{
    public const string DefaultApp = "fal-ai/fast-sdxl";

    public SampleCommand Command { get; init; } = SampleCommand.Batch;

    public IReadOnlyList<string> Prompts { get; init; } = [];

    public string? PromptFile { get; init; }

    public string App { get; init; } = DefaultApp;

    public int Concurrency { get; init; } = 4;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public int? Steps { get; init; }

    public string? ImageSize { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("out", "rxconsole");

    public bool ForceEmulator { get; init; }

    public int EmulatorWorkers { get; init; } = 2;

    public bool Plain { get; init; }

    /// <summary>A durable batch: a SQLite file, or <c>postgres:&lt;connection string&gt;</c> shared by workers.</summary>
    public string? Journal { get; init; }

    public string? WorkerId { get; init; }

    public const string HelpText = """
        RxConsole: a batch of prompts through fal's queue, composed with Rx.

        Usage:
          dotnet run --project samples/RxConsole -- [options] [prompt ...]
          dotnet run --project samples/RxConsole -- bind [options] [prompt]

        Commands:
          (none)             Submit every prompt to the app: per request .Timeout(...), then
                             .Merge(concurrency) and .ToList() to gather every outcome. Shows a live
                             table (plain lines when output is redirected), downloads the images,
                             writes summary.json, prints a summary. Exit code 0 only if every
                             request succeeded. Ctrl+C cancels every pending request on the server.
          bind               UI-style binding: one request's statuses observed on a single-threaded
                             synchronization context (a stand-in for a WPF/Avalonia/MAUI UI thread)
                             and projected into INotifyPropertyChanged view-model properties; then a
                             second request whose "Cancel" button is clicked while it runs.

        Where it runs:
          With FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET) set, against fal.ai. Without, or with
          --emulator, against the Fal.Reactive emulator started in this process (any key works).

        Options:
          [prompt ...]               Prompts to submit (default: 8 built-in prompts).
          -f, --prompts <file>       Read prompts from a file, one per line (# starts a comment).
          -a, --app <id>             The fal app (default: fal-ai/fast-sdxl).
          -c, --concurrency <n>      Requests in flight at once: Merge(n) (default: 4).
          -t, --timeout <seconds>    Per-request deadline from its submit; past it the request is
                                     disposed, which cancels it on the server (default: 60).
          -p, --poll-interval <ms>   Status poll interval (default: 100).
          -s, --steps <n>            num_inference_steps (the app's default when omitted: 25).
                                     The emulator takes ~40 ms per step: --steps 100 -c 2 gives
                                     time to press Ctrl+C.
              --image-size <name>    image_size, e.g. square_hd, landscape_4_3 (app default).
          -o, --out <dir>            Output directory (default: ./out/rxconsole).
              --emulator             Use the local emulator even when FAL_KEY is set.
              --workers <n>          The emulator's runner count (default: 2).
              --plain                Plain lines instead of the live table.
              --journal <path>       A durable batch: each prompt submitted once across runs (a SQLite
                                     file; postgres:<connection string> for workers sharing the batch).
                                     Killed and re-run with the same arguments, it re-attaches.
              --worker-id <id>       This worker's id in the journal's leases (default: the host name).
          -h, --help                 This text.

        Examples:
          dotnet run --project samples/RxConsole
          dotnet run --project samples/RxConsole -- "a red fox in snow" "a lighthouse at dusk"
          dotnet run --project samples/RxConsole -- --steps 100 -c 2      # then press Ctrl+C
          dotnet run --project samples/RxConsole -- --steps 100 -t 2      # requests time out
          dotnet run --project samples/RxConsole -- bind "a paper boat"
        """;

    /// <summary>Parses the command line.</summary>
    /// <exception cref="FormatException">An unknown flag, a missing or malformed value.</exception>
    public static SampleOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SampleOptions();
        var prompts = new List<string>();
        var start = 0;
        if (args.Count > 0 && args[0] == "bind")
        {
            options = options with { Command = SampleCommand.Bind };
            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value.");

            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    return options with { Command = SampleCommand.Help };
                case "-f" or "--prompts":
                    options = options with { PromptFile = ExistingPromptFile(arg, Value()) };
                    break;
                case "-a" or "--app":
                    options = options with { App = AppId(arg, Value()) };
                    break;
                case "-c" or "--concurrency":
                    options = options with { Concurrency = PositiveInt(arg, Value()) };
                    break;
                case "-t" or "--timeout":
                    options = options with { Timeout = TimeSpan.FromSeconds(PositiveDouble(arg, Value())) };
                    break;
                case "-p" or "--poll-interval":
                    options = options with { PollInterval = TimeSpan.FromMilliseconds(PositiveDouble(arg, Value())) };
                    break;
                case "-s" or "--steps":
                    options = options with { Steps = PositiveInt(arg, Value()) };
                    break;
                case "--image-size":
                    options = options with { ImageSize = Value() };
                    break;
                case "-o" or "--out":
                    options = options with { OutputDirectory = Value() };
                    break;
                case "--emulator":
                    options = options with { ForceEmulator = true };
                    break;
                case "--workers":
                    options = options with { EmulatorWorkers = PositiveInt(arg, Value()) };
                    break;
                case "--plain":
                    options = options with { Plain = true };
                    break;
                case "--journal":
                    options = options with { Journal = Value() };
                    break;
                case "--worker-id":
                    options = options with { WorkerId = Value() };
                    break;
                case "--":
                    prompts.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        throw new FormatException($"Unknown option {arg}. See --help.");
                    }

                    prompts.Add(arg);
                    break;
            }
        }

        return options with { Prompts = prompts };
    }

    private static string ExistingPromptFile(string flag, string file)
    {
        if (!File.Exists(file))
        {
            throw new FormatException($"Prompt file '{file}' not found.");
        }

        // A file with nothing to send is a mistake, not a request for the built-in prompts.
        return PromptSource.ReadFile(file).Count > 0
            ? file
            : throw new FormatException($"{flag}: prompt file '{file}' has no prompts (only blank lines or # comments).");
    }

    private static string AppId(string flag, string value)
    {
        // The library's own rule, applied before anything starts: a handle for a made-up request id sends nothing.
        // (The probe id is not the key: an id holding the key is refused.)
        using var probe = new FalClient(new HttpClient(), s_probeOptions, disposeHttpClient: true);
        try
        {
            probe.GetHandle(value, "probe");
            return value;
        }
        catch (ArgumentException)
        {
            throw new FormatException($"{flag} needs a fal app id such as fal-ai/fast-sdxl (owner/app[/path]), not '{value}'.");
        }
    }

    // Explicit hosts and key, so the probe reads no environment variable.
    private static readonly FalClientOptions s_probeOptions = new()
    {
        Credentials = FalCredentials.FromKey("probe-key"),
        QueueUrl = FalClientOptions.DefaultQueueUrl,
        RunUrl = FalClientOptions.DefaultRunUrl,
        RestUrl = FalClientOptions.DefaultRestUrl,
    };

    private static int PositiveInt(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{flag} needs a positive whole number, not '{value}'.");

    private static double PositiveDouble(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d)
            ? d
            : throw new FormatException($"{flag} needs a positive number, not '{value}'.");
}
