namespace Fal.Reactive;

/// <summary>The per-call headers a caller's options add to a submit, run or stream.</summary>
/// <param name="Headers">Extra headers, sent as given.</param>
/// <param name="Priority">The queue priority (<c>X-Fal-Queue-Priority</c>).</param>
/// <param name="Hint">The runner hint (<c>X-Fal-Runner-Hint</c>).</param>
/// <param name="StartTimeout">The start deadline (<c>X-Fal-Request-Timeout</c>, seconds).</param>
internal readonly record struct FalCallHeaders(
    IDictionary<string, string> Headers, FalQueuePriority? Priority, string? Hint, TimeSpan? StartTimeout)
{
    /// <summary>Gets the storage lifecycle of the outputs (<c>X-Fal-Object-Lifecycle-Preference</c>).</summary>
    public FalObjectLifecycle? StorageLifecycle { get; init; }
}
