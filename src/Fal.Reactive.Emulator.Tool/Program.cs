using Fal.Reactive.Emulator;
using Fal.Reactive.Emulator.Hosting;

// dotnet run --project src/Fal.Reactive.Emulator.Tool -- [--urls http://127.0.0.1:8765] [--workers 4] [--keys k1,k2] ... (--help)
if (CommandLine.Parse(args, out var error, out var help) is not { } options)
{
    if (help)
    {
        Console.WriteLine(CommandLine.Help);
        return 0;
    }

    Console.Error.WriteLine(error);
    return 2;
}

FalEmulator emulator;
try
{
    emulator = await FalEmulator.StartAsync(options).ConfigureAwait(false);
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // One line a newcomer can act on, not Kestrel's stack trace.
    Console.Error.WriteLine($"fal-emulator: cannot listen on {options.Urls}: the address is already in use. Stop what runs there, or pick another port with --port <n>.");
    return 1;
}

await using var running = emulator.ConfigureAwait(false);
Banner.Write(emulator, options, Console.Out, Console.Error);
await emulator.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

/// <summary>
/// The entry point of <c>fal-emulator</c> (<c>dotnet run --project src/Fal.Reactive.Emulator.Tool</c>). Internal: the SDK could make it
/// public, and a public <c>Program</c> in this package collides (CS0433) with the consumer's own web app in the usual
/// <c>WebApplicationFactory&lt;Program&gt;</c> test setup.
/// </summary>
internal partial class Program;
