using System.Diagnostics;
using System.Text.Json;

namespace Fal.Reactive.Bench.Load;

/// <summary>A bench side in its own process (so its CPU and peak RSS are its alone): run, bounded, its last JSON line read.</summary>
internal static class ChildSide
{
    /// <returns>The side's last line starting with <c>{</c>; null when it did not finish in time (it is then killed).</returns>
    /// <exception cref="InvalidOperationException">It did not start, or printed no JSON line.</exception>
    public static async Task<JsonDocument?> RunAsync(string side, ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{side} did not start.");
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            var output = await process.StandardOutput.ReadToEndAsync(bound.Token);
            await process.WaitForExitAsync(bound.Token);
            var json = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
            return json is null ? throw new InvalidOperationException($"{side} printed no result (exit {process.ExitCode}).") : JsonDocument.Parse(json);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
    }
}
