namespace Fal.Reactive;

/// <summary>
/// Options for a direct run on fal's run host (<see cref="FalClient.RunAsync(string, FalInput?, FalRunOptions?, CancellationToken)"/>
/// and <see cref="FalClient.Run(string, FalInput?, FalRunOptions?, CancellationToken)"/>): what such a call sends or
/// uses. Queue options (logs, poll interval, webhook, priority) have no meaning there, nor has an idle timeout (a
/// direct run answers once; <see cref="FalStreamOptions.IdleTimeout"/> is for streams). Copied and checked at the call.
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
    /// How long fal keeps the files the run's outputs are stored in (header <c>X-Fal-Object-Lifecycle-Preference</c>,
    /// the JS client's <c>storageSettings</c>). Default: fal's account setting.
    /// </summary>
    public FalObjectLifecycle? StorageLifecycle { get; set; }

    /// <summary>
    /// A client-side limit on the whole call, timed on the client's scheduler. When it runs out the call is
    /// abandoned (which ends a direct run on fal's side) and fails with <see cref="FalTimeoutException"/>. Default
    /// none: the run may take as long as the app needs (the client's own <see cref="HttpClient"/>, and the one
    /// <c>AddFalClient</c> registers, have no timeout; an <see cref="HttpClient"/> you pass in keeps its own, 100 s
    /// unless you change it).
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A copy of what these options say.</summary>
    internal RunSettings Snapshot() =>
        new(Timeout, IdleTimeout: null, SubmitSettings.Headers(Headers, priority: null, Hint, StartTimeout, StorageLifecycle));
}
