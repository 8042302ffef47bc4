using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BrowserCheck;

/// <summary>Headless Chromium with its DevTools port open; disposing it ends the browser (its whole process tree).</summary>
internal sealed partial class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;

    private Chromium(Process process, string profile, Uri devTools)
    {
        _process = process;
        _profile = profile;
        DevTools = devTools;
    }

    /// <summary>Gets the DevTools HTTP origin, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri DevTools { get; }

    public static async Task<Chromium> StartAsync(string executable, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("browser-check-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. A free DevTools port (0), a fresh
        // profile, a fixed window so the screenshot has the same layout on every machine.
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "--window-size=1280,900", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("Chromium exited: " + string.Join(Environment.NewLine, errors)));
                return;
            }

            lock (errors)
            {
                errors.Add(e.Data);
            }

            // "DevTools listening on ws://127.0.0.1:40123/devtools/browser/<id>"
            if (DevToolsLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri($"http://127.0.0.1:{match.Groups[1].Value}/"));
            }
        };
        process.BeginErrorReadLine();
        var chromium = new Chromium(process, profile, new Uri("http://127.0.0.1/"));
        try
        {
            var devTools = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return new Chromium(process, profile, devTools);
        }
        catch
        {
            await chromium.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to the page target the browser opened.</summary>
    public async Task<CdpSession> ConnectToPageAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var targets = await http.GetFromJsonAsync<JsonElement>(new Uri(DevTools, "json/list"), cancellationToken).ConfigureAwait(false);
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        return await CdpSession.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or stuck: the process is abandoned.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child: the temporary folder stays.
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://[^:]+:(\d+)/")]
    private static partial Regex DevToolsLine();
}
