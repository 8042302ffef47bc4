using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fal.Reactive.Tests.Emulator;

/// <summary>The emulator's command line (fal-emulator), run as the process users start.</summary>
public class EmulatorCommandLineTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PortAlreadyInUse_OneLineOnStderr_AndANonZeroExit()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, stdout, stderr) = await RunEmulator("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        exitCode.Should().Be(1);
        stdout.Should().BeEmpty();
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle().Which.Should().Contain($"127.0.0.1:{port}").And.Contain("already in use").And.Contain("--port");
    }

    [Fact]
    public async Task UnknownArgument_OneLineOnStderr_AndExit2()
    {
        var (exitCode, _, stderr) = await RunEmulator("--no-such-flag");

        exitCode.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--no-such-flag");
    }

    [Fact]
    public async Task PortZero_BannerPrintsThePortActuallyBound_AndItAnswers()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fal.Reactive.Emulator.Tool.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(s_bound);

            var match = System.Text.RegularExpressions.Regex.Match(banner ?? string.Empty, @"listening on http://127\.0\.0\.1:([0-9]+);");
            match.Success.Should().BeTrue(banner);
            var port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            port.Should().BeGreaterThan(0);
            using var http = new HttpClient { Timeout = s_bound };
            (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/_emulator/health"))).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(s_bound);
        }

        (await stderr).Should().NotContain("warning", "127.0.0.1 is loopback");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunEmulator(params string[] args)
    {
        // The tool's build output is copied beside the tests (a project reference to an executable).
        var dll = Path.Combine(AppContext.BaseDirectory, "Fal.Reactive.Emulator.Tool.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(s_bound);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
