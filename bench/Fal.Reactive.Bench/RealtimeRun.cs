using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Fal.Reactive.Bench;

/// <summary>
/// Realtime over loopback, side by side: <c>fal.Realtime</c> and the official JS client's <c>fal.realtime.connect</c>
/// (throttle off), each against the emulator's <c>emulator/echo</c> (answers at once) in a child process, msgpack
/// frames. Round-trip p50 (one input in flight at a time) and messages per second (a burst of inputs, until every
/// result is back). Best of two rounds each.
/// </summary>
internal static class RealtimeRun
{
    private const int RoundTrips = 300;
    private const int Burst = 3000;

    public static async Task<int> RunAsync()
    {
        var port = LoadRun.FreePort();
        using var emulator = LoadRun.StartEmulator(port);
        var origin = $"http://127.0.0.1:{port}";
        try
        {
            await LoadRun.WaitUntilReadyAsync(new Uri(origin + "/"));
            var dotnet = new List<(double P50, double Rate)>();
            var js = new List<(double P50, double Rate)>();
            for (var round = 0; round < 2; round++)
            {
                dotnet.Add(await DotnetAsync(new Uri(origin + "/")));
                js.Add(await JsAsync(origin));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"realtime emulator/echo over loopback, msgpack, {RoundTrips} round trips then a burst of {Burst}, best of 2:"));
            Print("Fal.Reactive fal.Realtime ", dotnet);
            Print("@fal-ai/client 1.10.1     ", js);
            return 0;
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
        }
    }

    private static void Print(string name, List<(double P50, double Rate)> samples) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: round trip p50 {samples.Min(s => s.P50),6:0.000} ms, {samples.Max(s => s.Rate),8:0} messages/s"));

    private static async Task<(double P50, double Rate)> DotnetAsync(Uri origin)
    {
        using var fal = new FalClient(new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("bench"),
            QueueUrl = origin,
            RunUrl = new Uri(origin, "_run/"),
            RestUrl = new Uri(origin, "_rest/"),
        });
        using var connection = fal.Realtime("emulator/echo");
        var pending = new ConcurrentDictionary<string, TaskCompletionSource>();
        using var results = connection.Subscribe(r =>
        {
            if (r.RequestId is { } id && pending.TryRemove(id, out var done))
            {
                done.TrySetResult();
            }
        });
        var next = 0;
        Task Send()
        {
            var id = "net-" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = done;
            connection.Send(new { prompt = "a lighthouse" }, id);
            return done.Task;
        }

        for (var i = 0; i < 200; i++)
        {
            await Send();   // connect and warm up
        }

        var rtts = new double[RoundTrips];
        for (var i = 0; i < RoundTrips; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await Send();
            rtts[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(rtts);
        var burst = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => Send()).ToArray());
        return (rtts[RoundTrips / 2], Burst / burst.Elapsed.TotalSeconds);
    }

    private static async Task<(double P50, double Rate)> JsAsync(string origin)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Fal.Reactive.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from within the repository.");
        }

        if (!Directory.Exists(Path.Combine(root, "tests", "conformance", "node_modules", "@fal-ai", "client")))
        {
            throw new InvalidOperationException("Run `npm ci` in tests/conformance first (the JS side uses its pinned @fal-ai/client and ws).");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(root, "bench", "realtime-js.cjs"), origin,
            RoundTrips.ToString(CultureInfo.InvariantCulture), Burst.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"The JS realtime run failed ({node.ExitCode}): {output}");
        }

        using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (result.RootElement.GetProperty("p50_ms").GetDouble(), result.RootElement.GetProperty("messages_per_second").GetDouble());
    }
}
