using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// What a simulated app does with one request: how long it runs, what it logs, what it streams and how it
/// ends. Scripts are immutable; the <c>With…</c> methods return changed copies.
/// </summary>
/// <remarks>
/// Objects given as outputs or details are serialized with System.Text.Json using snake_case property
/// names (fal's convention); <see cref="JsonElement"/> values are used as they are.
/// </remarks>
/// <example>
/// <code>
/// sim.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { images = new[] { new { url = "..." } } }, TimeSpan.FromSeconds(2))
///     .WithLogs((TimeSpan.FromSeconds(0.5), "step 10"), (TimeSpan.FromSeconds(1.5), "step 20")));
/// </code>
/// </example>
public sealed class FalAppScript
{
    private static readonly Dictionary<string, string> s_noHeaders = new(StringComparer.OrdinalIgnoreCase);

    private ScriptLog[] _logs = [];
    private ScriptEvent[] _events = [];
    private ScriptFault[] _faults = [];
    private Dictionary<string, string> _headers = s_noHeaders;

    private FalAppScript(int statusCode, JsonElement body, TimeSpan runTime, string? error, string? errorType)
    {
        StatusCode = statusCode;
        Body = body;
        RunTime = runTime;
        Error = error;
        ErrorType = errorType;
    }

    /// <summary>Gets the HTTP status code of the result.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the JSON body of the result: the output, or the error body <c>{"detail": ...}</c>.</summary>
    public JsonElement Body { get; }

    /// <summary>Gets how long the app runs once a worker starts it.</summary>
    public TimeSpan RunTime { get; }

    /// <summary>Gets the minimum time the request spends queued even when a worker is free (e.g. a cold start).</summary>
    public TimeSpan QueueTime { get; private set; }

    /// <summary>Gets a value indicating whether the app ignores cancellation of a running request and finishes normally.</summary>
    public bool IgnoresCancellation { get; private set; }

    /// <summary>Gets a value indicating whether the result is a success (2xx).</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>Gets the <c>error</c> reported by a COMPLETED status of a failed request.</summary>
    internal string? Error { get; }

    /// <summary>Gets the <c>error_type</c> of a failed request.</summary>
    internal string? ErrorType { get; }

    internal IReadOnlyList<ScriptLog> Logs => _logs;

    internal IReadOnlyList<ScriptEvent> StreamEvents => _events;

    internal IReadOnlyList<ScriptFault> Faults => _faults;

    internal IReadOnlyDictionary<string, string> Headers => _headers;

    /// <summary>Creates a script that runs for <paramref name="runTime"/> and returns 200 with <paramref name="output"/>.</summary>
    /// <param name="output">The output: any object serializable by System.Text.Json, or a <see cref="JsonElement"/>.</param>
    /// <param name="runTime">How long the app runs once started.</param>
    /// <returns>The script.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="runTime"/> is negative.</exception>
    public static FalAppScript Succeed(object? output, TimeSpan runTime = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runTime, TimeSpan.Zero);
        return new FalAppScript(200, SimulatorJson.ToElement(output), runTime, error: null, errorType: null);
    }

    /// <summary>
    /// Creates a script that runs for <paramref name="afterRun"/> and then fails with <paramref name="statusCode"/>
    /// and the body <c>{"detail": detail[, "error_type": errorType]}</c>.
    /// </summary>
    /// <param name="statusCode">The error status code (400–599), e.g. 422 or 500.</param>
    /// <param name="detail">A message string, or a list of <see cref="FalFieldError"/> for the 422 form.</param>
    /// <param name="errorType">An optional <c>error_type</c>, also sent as the <c>X-Fal-Error-Type</c> header.</param>
    /// <param name="afterRun">How long the app runs before failing.</param>
    /// <returns>The script.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not an error code, or <paramref name="afterRun"/> is negative.</exception>
    public static FalAppScript Fail(int statusCode, object? detail, string? errorType = null, TimeSpan afterRun = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfLessThan(afterRun, TimeSpan.Zero);
        var detailElement = SimulatorJson.ToElement(detail);
        var body = SimulatorJson.Object(w =>
        {
            w.WritePropertyName("detail");
            detailElement.WriteTo(w);
            if (errorType is not null)
            {
                w.WriteString("error_type", errorType);
            }
        });
        // A COMPLETED status carries a one-line error: the message itself when there is one.
        var error = detailElement.ValueKind == JsonValueKind.String
            ? detailElement.GetString()
            : $"Invalid status code: {statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var script = new FalAppScript(statusCode, body, afterRun, error, errorType);
        return errorType is null ? script : script.WithHeader("X-Fal-Error-Type", errorType);
    }

    /// <summary>Returns a copy that also logs each message at INFO level at its offset from the run start.</summary>
    /// <param name="logs">The offsets (from the run start) and messages. Logs due after the run end appear with the completion.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithLogs(params (TimeSpan Offset, string Message)[] logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var copy = Copy();
        copy._logs = [.. _logs, .. logs.Select(l => new ScriptLog(l.Offset, l.Message ?? string.Empty, "INFO"))];
        copy._logs = [.. copy._logs.OrderBy(l => l.Offset)];
        return copy;
    }

    /// <summary>Returns a copy that also logs <paramref name="message"/> at <paramref name="level"/> at <paramref name="offset"/> from the run start.</summary>
    /// <param name="offset">The offset from the run start.</param>
    /// <param name="message">The message.</param>
    /// <param name="level">The level: <c>INFO</c>, <c>DEBUG</c>, <c>WARN</c>, <c>ERROR</c>, <c>STDOUT</c> or <c>STDERR</c>.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithLog(TimeSpan offset, string message, string level = "INFO")
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(level);
        var copy = Copy();
        copy._logs = [.. _logs.Append(new ScriptLog(offset, message, level)).OrderBy(l => l.Offset)];
        return copy;
    }

    /// <summary>
    /// Returns a copy that, when called through the run host's <c>/stream</c> endpoint, sends each event at its
    /// offset from the run start. The final output is always sent last, when the run completes.
    /// </summary>
    /// <param name="events">The offsets and the partial outputs (objects or <see cref="JsonElement"/>s).</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithStreamEvents(params (TimeSpan Offset, object? Data)[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var copy = Copy();
        copy._events = [.. _events.Concat(events.Select(e => new ScriptEvent(e.Offset, SimulatorJson.ToElement(e.Data)))).OrderBy(e => e.Offset)];
        return copy;
    }

    /// <summary>Returns a copy whose requests stay queued at least <paramref name="queueTime"/> after arriving, even with a free worker.</summary>
    /// <param name="queueTime">The minimum queue time.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithQueueTime(TimeSpan queueTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueTime, TimeSpan.Zero);
        var copy = Copy();
        copy.QueueTime = queueTime;
        return copy;
    }

    /// <summary>Returns a copy whose result carries the response header <paramref name="name"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var copy = Copy();
        copy._headers = new Dictionary<string, string>(_headers, StringComparer.OrdinalIgnoreCase) { [name] = value };
        return copy;
    }

    /// <summary>Returns a copy whose running requests ignore cancel calls (202 is still answered) and finish normally.</summary>
    /// <returns>The changed copy.</returns>
    public FalAppScript IgnoringCancellation()
    {
        var copy = Copy();
        copy.IgnoresCancellation = true;
        return copy;
    }

    /// <summary>
    /// Returns a copy whose first <paramref name="count"/> calls of <paramref name="kind"/> are answered with
    /// <paramref name="statusCode"/> instead of being served (transient faults, e.g. to exercise retries).
    /// </summary>
    /// <param name="kind">
    /// The kind of call: <see cref="FalCallKind.Submit"/>, <see cref="FalCallKind.Run"/> and <see cref="FalCallKind.Stream"/>
    /// count calls carrying the same app path and the same body; the others count calls addressing the same request.
    /// </param>
    /// <param name="count">How many calls fail.</param>
    /// <param name="statusCode">The status code. 502, 503 and 504 get an HTML body from "nginx" and no
    /// <c>x-fal-request-id</c>, as an ingress error does; other codes get <c>{"detail": ...}</c>.</param>
    /// <param name="retryAfter">An optional <c>Retry-After</c> header, in whole seconds.</param>
    /// <param name="retryable">An optional <c>X-Fal-Retryable</c> header (<c>true</c>/<c>false</c>): fal's word on whether the same call might succeed.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithFailures(FalCallKind kind, int count, int statusCode = 503, TimeSpan? retryAfter = null, bool? retryable = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        var copy = Copy();
        copy._faults = [.. _faults, new ScriptFault(kind, count, statusCode, retryAfter, DropConnection: false, retryable)];
        return copy;
    }

    /// <summary>
    /// Returns a copy whose first <paramref name="count"/> calls of <paramref name="kind"/> lose their connection
    /// (the in-memory handler throws <see cref="HttpRequestException"/>; the emulator aborts the connection).
    /// Counting is as for <see cref="WithFailures"/>.
    /// </summary>
    /// <param name="kind">The kind of call.</param>
    /// <param name="count">How many calls are dropped.</param>
    /// <returns>The changed copy.</returns>
    public FalAppScript WithDroppedConnections(FalCallKind kind, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var copy = Copy();
        copy._faults = [.. _faults, new ScriptFault(kind, count, 0, null, DropConnection: true)];
        return copy;
    }

    private FalAppScript Copy() => (FalAppScript)MemberwiseClone();
}
