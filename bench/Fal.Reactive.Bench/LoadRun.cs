using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Fal.Reactive.Bench;

/// <summary>
/// Side by side over real HTTP: N concurrent requests through FalClient, then the same N through a bare
/// HttpClient loop, against the emulator running in a child process (so this process's CPU time and
/// allocations are the client's alone). Reports CPU time and bytes allocated per request and their ratio.
/// </summary>
internal static class LoadRun
{
    private const string App = "emulator/slow";
    private static readonly object s_input = new { run_seconds = 0.3 };
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(int requests)
    {
        var port = FreePort();
        using var emulator = StartEmulator(port);
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await WaitUntilReadyAsync(baseUrl);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(2) };
            using var client = new FalClient(http, new FalClientOptions
            {
                Credentials = FalCredentials.FromKey("bench"),
                QueueUrl = baseUrl,
                RunUrl = new Uri(baseUrl, "_run/"),
                RestUrl = new Uri(baseUrl, "_rest/"),
                PollInterval = s_interval,
            });

            // Warm both paths (JIT, connection pool), then measure each twice, alternating.
            await BareAsync(http, baseUrl, 50);
            await ClientAsync(client, 50);
            var bare = new List<Sample>();
            var fal = new List<Sample>();
            for (var round = 0; round < 2; round++)
            {
                bare.Add(await MeasureAsync(() => BareAsync(http, baseUrl, requests), requests));
                fal.Add(await MeasureAsync(() => ClientAsync(client, requests), requests));
            }

            var b = Sample.Best(bare);
            var f = Sample.Best(fal);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{requests} concurrent requests, {App} run_seconds=0.3, poll interval {s_interval.TotalMilliseconds} ms, best of 2:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bare HttpClient loop : {b.CpuMicroseconds,8:0.0} us CPU/request, {b.Kilobytes,8:0.0} KB/request, wall {b.Wall.TotalSeconds:0.00} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  FalClient.Submit     : {f.CpuMicroseconds,8:0.0} us CPU/request, {f.Kilobytes,8:0.0} KB/request, wall {f.Wall.TotalSeconds:0.00} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio (client/bare)  : CPU {f.CpuMicroseconds / b.CpuMicroseconds:0.00}x, memory {f.Kilobytes / b.Kilobytes:0.00}x"));
            return 0;
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
        }
    }

    private static Task<System.Text.Json.JsonElement[]> BareAsync(HttpClient http, Uri baseUrl, int n) =>
        Task.WhenAll(Enumerable.Range(0, n).Select(_ => BareHttpLoop.RunAsync(http, baseUrl, () => Task.Delay(s_interval), App, """{"run_seconds":0.3}""")));

    private static Task<System.Text.Json.JsonElement> ClientAsync(FalClient client, int n) =>
        Enumerable.Range(0, n).Select(_ => client.Submit(App, s_input).Results()).Merge().LastOrDefaultAsync().ToTask();

    private static async Task<Sample> MeasureAsync(Func<Task> run, int requests)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        await run();
        wall.Stop();
        process.Refresh();
        return new Sample(
            (process.TotalProcessorTime - cpu).TotalMicroseconds / requests,
            (GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1024.0 / requests,
            wall.Elapsed);
    }

    internal static Process StartEmulator(int port)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Fal.Reactive.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from within the repository.");
        }

        var start = new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", Path.Combine(root, "src", "Fal.Reactive.Emulator.Tool"), "--",
            "--urls", $"http://127.0.0.1:{port}", "--workers", "100000"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the emulator.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitUntilReadyAsync(Uri baseUrl)
    {
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "_emulator/requests"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Key", "bench");
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The emulator did not start within 120 s.");
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Sample(double CpuMicroseconds, double Kilobytes, TimeSpan Wall)
    {
        public static Sample Best(List<Sample> samples) => samples.MinBy(s => s.CpuMicroseconds)!;
    }
}
