using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fal.Reactive.Bench.Load;

/// <summary>
/// The emulator in a child process on a free loopback port: built once in Release, started as <c>dotnet &lt;dll&gt;</c> (so
/// its pid is the emulator's own, for /proc readings), its address read from its banner. Disposing kills it.
/// </summary>
internal sealed partial class EmulatorProcess : IDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(params string[] flags)
    {
        // The fal-emulator command (Fal.Reactive.Emulator itself is a library).
        var project = Path.Combine(RepositoryRoot(), "src", "Fal.Reactive.Emulator.Tool", "Fal.Reactive.Emulator.Tool.csproj");
        using (var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", project]) { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("dotnet build did not start."))
        {
            await build.StandardOutput.ReadToEndAsync();
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException("The emulator does not build.");
            }
        }

        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "net10.0", "Fal.Reactive.Emulator.Tool.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", .. flags])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("The emulator did not start.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("emulator: " + line);
            }
        };
        process.BeginErrorReadLine();

        // The banner names the port the OS picked: "... listening on http://127.0.0.1:PORT; ..."
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new EmulatorProcess(process, new Uri(match.Groups[1].Value + "/"));
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The emulator exited before printing its address.");
    }

    public ProcStatus Status() => ProcStatus.Of(_process.Id);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    /// <summary>The repository's root, found upwards from this program's folder.</summary>
    public static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Fal.Reactive.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from within the repository.");
        }

        return root;
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:[1-9][0-9]*)")]
    private static partial Regex Listening();
}
