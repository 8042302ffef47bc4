using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>The <c>emulator/*</c> apps, whose behaviour comes from their input (documented in the README).</summary>
internal static class ScenarioApps
{
    private const double MaxSeconds = 3600;

    private static readonly Dictionary<string, FalCallKind> s_faultKinds = new(StringComparer.Ordinal)
    {
        ["submit"] = FalCallKind.Submit,
        ["status"] = FalCallKind.Status,
        ["status_stream"] = FalCallKind.StatusStream,
        ["result"] = FalCallKind.Result,
        ["cancel"] = FalCallKind.Cancel,
        ["run"] = FalCallKind.Run,
        ["stream"] = FalCallKind.Stream,
    };

    /// <summary><c>emulator/echo</c>: returns its input after <c>run_seconds</c> (default 0.01).</summary>
    public static FalAppScript Echo(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var run = input.Number("run_seconds", 0.01, 0, MaxSeconds);
        return input.HasErrors ? input.Failure() : FalAppScript.Succeed(call.Input, TimeSpan.FromSeconds(run));
    }

    /// <summary><c>emulator/slow</c>: <c>queue_seconds</c> queued at least, <c>run_seconds</c> running, <c>logs_per_second</c> log lines.</summary>
    public static FalAppScript Slow(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var queue = input.Number("queue_seconds", 0, 0, MaxSeconds);
        var run = input.Number("run_seconds", 1, 0, MaxSeconds);
        var logsPerSecond = input.Number("logs_per_second", 0, 0, 100);
        if (input.HasErrors)
        {
            return input.Failure();
        }

        var logCount = (int)Math.Floor(run * logsPerSecond);
        var logs = Enumerable.Range(1, logCount)
            .Select(i => (TimeSpan.FromSeconds(i / logsPerSecond), string.Create(CultureInfo.InvariantCulture, $"log {i}/{logCount}")))
            .ToArray();
        return FalAppScript.Succeed(new { queue_seconds = queue, run_seconds = run, logs = logCount }, TimeSpan.FromSeconds(run))
            .WithQueueTime(TimeSpan.FromSeconds(queue))
            .WithLogs(logs);
    }

    /// <summary>
    /// <c>emulator/fail</c>: fails with <c>status</c> (500), <c>detail</c> (any JSON), <c>error_type</c> after
    /// <c>after_seconds</c>, with <c>X-Fal-Retryable</c> when <c>retryable</c> is given.
    /// </summary>
    public static FalAppScript Fail(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var status = input.Integer("status", 500, 400, 599);
        var after = input.Number("after_seconds", 0, 0, MaxSeconds);
        var errorType = input.OptionalString("error_type");
        bool? retryable = input.TryGet("retryable", out _) ? input.Boolean("retryable", false) : null;
        object detail = input.TryGet("detail", out var d) ? d : "Simulated failure";
        if (input.HasErrors)
        {
            return input.Failure();
        }

        var script = FalAppScript.Fail(status, detail, errorType, TimeSpan.FromSeconds(after));
        return retryable is { } value ? script.WithHeader("X-Fal-Retryable", value ? "true" : "false") : script;
    }

    /// <summary>
    /// <c>emulator/flaky</c>: the first <c>failures</c> (1) calls of kind <c>fail_on</c> (<c>submit</c>) are answered with
    /// <c>status</c> (503), <c>retry_after</c> and <c>retryable</c> (<c>X-Fal-Retryable</c>), or dropped with <c>drop_connection</c>; then it returns <c>output</c>
    /// (or its input) after <c>run_seconds</c> (0.01).
    /// </summary>
    public static FalAppScript Flaky(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var failOn = input.OptionalString("fail_on") ?? "submit";
        var failures = input.Integer("failures", 1, 0, 100);
        var status = input.Integer("status", 503, 400, 599);
        var retryAfter = input.TryGet("retry_after", out _) ? input.Number("retry_after", 0, 0, MaxSeconds) : (double?)null;
        var drop = input.Boolean("drop_connection", false);
        bool? retryable = input.TryGet("retryable", out _) ? input.Boolean("retryable", false) : null;
        var run = input.Number("run_seconds", 0.01, 0, MaxSeconds);
        if (!s_faultKinds.TryGetValue(failOn, out var kind))
        {
            input.AddError("fail_on", "unexpected value; permitted: " + string.Join(", ", s_faultKinds.Keys), "value_error.const");
        }

        if (input.HasErrors)
        {
            return input.Failure();
        }

        JsonElement output = input.TryGet("output", out var o) ? o : call.Input;
        var script = FalAppScript.Succeed(output, TimeSpan.FromSeconds(run));
        return drop
            ? script.WithDroppedConnections(kind, failures)
            : script.WithFailures(kind, failures, status, retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null, retryable);
    }
}
