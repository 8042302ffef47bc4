namespace Fal.Reactive;

/// <summary>
/// Options for a streaming run (<see cref="FalClient.Stream(string, FalInput?, FalStreamOptions?)"/> and
/// <see cref="FalClient.StreamAsync(string, FalInput?, FalStreamOptions?, CancellationToken)"/>): what such a call
/// sends or uses. Copied and checked at the call: a cold observable uses what was checked, whatever the caller
/// changes before subscribing.
/// </summary>
public sealed class FalStreamOptions
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
    /// How long fal keeps the files the run's outputs are stored in (header <c>X-Fal-Object-Lifecycle-Preference</c>).
    /// Default: fal's account setting.
    /// </summary>
    public FalObjectLifecycle? StorageLifecycle { get; set; }

    /// <summary>
    /// A client-side limit on the whole stream, from its start to its last event, timed on the client's
    /// scheduler. When it runs out the stream is closed (which ends the run on fal's side) and fails with
    /// <see cref="FalTimeoutException"/>. Default none.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// The longest wait for the next event (also for the first), timed on the client's scheduler. Keep-alive
    /// comments do not count: a stream whose app hangs while the connection stays open fails with
    /// <see cref="FalTimeoutException"/> (with the request id). Default none.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Extra request headers. <c>Authorization</c> cannot be set here.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A copy of what these options say.</summary>
    internal RunSettings Snapshot() =>
        new(Timeout, IdleTimeout, SubmitSettings.Headers(Headers, priority: null, Hint, StartTimeout, StorageLifecycle));
}
