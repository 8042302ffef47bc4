using System.Globalization;
using Fal.Reactive.Emulator;

// dotnet run --project src/Fal.Reactive.Emulator -- [--urls http://127.0.0.1:8765] [--workers 4] [--keys k1,k2] [--latency-ms 0]
var options = new FalEmulatorOptions { Urls = "http://127.0.0.1:8765", LogToConsole = true };
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--urls" when value is not null:
            options.Urls = value;
            i++;
            break;
        case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
            options.Urls = $"http://127.0.0.1:{port}";
            i++;
            break;
        case "--workers" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) && workers > 0:
            options.Workers = workers;
            i++;
            break;
        case "--keys" when value is not null:
            options.Keys = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            i++;
            break;
        case "--latency-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var latency):
            options.Latency = TimeSpan.FromMilliseconds(latency);
            i++;
            break;
        case "--help" or "-h":
            Console.WriteLine("Fal.Reactive.Emulator: a local fal.ai (queue, run, stream, storage) on Kestrel.");
            Console.WriteLine("  --urls <url>        listen URL (default http://127.0.0.1:8765); --port <n> for loopback on n");
            Console.WriteLine("  --workers <n>       workers serving the queue (default 4)");
            Console.WriteLine("  --keys <k1,k2>      accepted API keys (default: any non-empty key)");
            Console.WriteLine("  --latency-ms <n>    extra delay before each answer (default 0)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Try --help.");
            return 2;
    }
}

FalEmulator emulator;
try
{
    emulator = await FalEmulator.StartAsync(options);
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // One line a newcomer can act on, not Kestrel's stack trace.
    Console.Error.WriteLine($"fal-emulator: cannot listen on {options.Urls}: the address is already in use. Stop what runs there, or pick another port with --port <n>.");
    return 1;
}

await using var running = emulator;
var keys = options.Keys is null ? "any key" : $"{options.Keys.Count} configured key(s)";
Console.WriteLine($"Fal.Reactive emulator listening on {emulator.BaseUrl} (queue {emulator.QueueUrl}, run {emulator.RunUrl}, rest {emulator.RestUrl}); {options.Workers} workers; accepts {keys}.");
Console.WriteLine($"Apps: {string.Join(", ", FalEmulator.BuiltInAppIds)}. Requests: {emulator.BaseUrl}_emulator/requests. Ctrl+C to stop.");
Console.WriteLine($"Realtime (WebSocket {emulator.RunUrl}{{app}}/realtime, tokens {emulator.RestUrl}tokens/): {string.Join(", ", FalEmulator.BuiltInRealtimeAppIds)}.");
await emulator.WaitForShutdownAsync();
return 0;

/// <summary>
/// The entry point of <c>dotnet run --project src/Fal.Reactive.Emulator</c>. Internal: the Web SDK would make it
/// public, and a public <c>Program</c> in this package collides (CS0433) with the consumer's own web app in the usual
/// <c>WebApplicationFactory&lt;Program&gt;</c> test setup.
/// </summary>
internal partial class Program;
