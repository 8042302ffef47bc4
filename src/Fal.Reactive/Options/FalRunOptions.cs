namespace Fal.Reactive;

/// <summary>
/// Options for a direct run (<see cref="FalClient.RunAsync(string, object?, FalRunOptions?, CancellationToken)"/>)
/// or a streaming run (<see cref="FalClient.Stream(string, object?, FalRunOptions?)"/>): what those calls
/// send. Queue options (logs, poll interval, webhook, priority) have no meaning there.
/// </summary>
public sealed class FalRunOptions
{
    /// <summary>A runner hint (header <c>X-Fal-Runner-Hint</c>), e.g. to reuse a runner with a LoRA loaded.</summary>
    public string? Hint { get; set; }

    /// <summary>
    /// A server-side deadline for the run to <em>start</em> (header <c>X-Fal-Request-Timeout</c>): if no
    /// runner has begun it by then, fal ends it with HTTP 504 (<see cref="FalHttpException.IsUserTimeout"/>).
    /// Must be more than 1 second.
    /// </summary>
    public TimeSpan? StartTimeout { get; set; }

    /// <summary>
    /// How long fal keeps the files the request's outputs are stored in (header <c>X-Fal-Object-Lifecycle-Preference</c>,
    /// the JS client's <c>storageSettings</c>). Default: fal's account setting.
    /// </summary>
    public FalObjectLifecycle? StorageLifecycle { get; set; }

    /// <summary>
    /// A client-side limit on the whole call (a direct run, or a stream from its start to its last event),
    /// timed on the client's scheduler. When it runs out the call is abandoned (which ends a direct run on
    /// fal's side) and fails with <see cref="FalTimeoutException"/>. Default none: the run may take as long
    /// as the app needs (the client's own <see cref="HttpClient"/>, and the one <c>AddFalClient</c> registers,
    /// have no timeout; an <see cref="HttpClient"/> you pass in keeps its own, 100 s unless you change it).
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// For streams: the longest wait for the next event (also for the first), timed on the client's
    /// scheduler. Keep-alive comments do not count: a stream whose app hangs while the connection stays
    /// open fails with <see cref="FalTimeoutException"/> (with the request id). Default none.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal static readonly FalRunOptions Default = new();

    internal FalCallHeaders CallHeaders => new(Headers, Priority: null, Hint, StartTimeout) { StorageLifecycle = StorageLifecycle };

    /// <summary>
    /// The run options of submit options given to the obsolete run overloads: what runs honoured of them.
    /// A priority they sent as a header still goes out as one, so nothing changes on the wire.
    /// </summary>
    internal static FalRunOptions From(FalSubmitOptions options)
    {
        var run = new FalRunOptions { Hint = options.Hint, StartTimeout = options.StartTimeout, StorageLifecycle = options.StorageLifecycle };
        foreach (var (name, value) in options.Headers)
        {
            run.Headers[name] = value;
        }

        if (options.Priority is { } priority)
        {
            run.Headers.TryAdd("X-Fal-Queue-Priority", priority == FalQueuePriority.Low ? "low" : "normal");
        }

        return run;
    }
}
