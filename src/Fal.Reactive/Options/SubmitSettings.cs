using System.Collections.ObjectModel;
using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// What a submit's options said at the call, copied and then checked (<see cref="FalOptionsValidation"/>): the
/// request path reads only this, so a caller changing its options object afterwards sends nothing unchecked.
/// <see cref="FalEnqueueOptions"/> fills only the part a submit that returns a handle honours.
/// </summary>
internal sealed record SubmitSettings(
    bool WithLogs,
    TimeSpan? PollInterval,
    FalAdaptivePolling? AdaptivePolling,
    FalStatusMode StatusMode,
    IScheduler? Scheduler,
    Uri? WebhookUrl,
    FalCallHeaders CallHeaders,
    Action<string>? OnEnqueue)
{
    // Before Default, which reads it (static fields are initialized in order).
    private static readonly ReadOnlyDictionary<string, string> s_noHeaders = new(new Dictionary<string, string>());

    /// <summary>No options: fal's defaults (one instance, as nothing in it can change).</summary>
    public static readonly SubmitSettings Default = new FalSubmitOptions().Snapshot();

    /// <summary>Gets the client-side limit on the whole request (<see cref="FalSubmitOptions.ClientTimeout"/>), if any.</summary>
    public TimeSpan? ClientTimeout { get; init; }

    /// <summary>The call headers with a copy of the caller's dictionary (none shared when there are none).</summary>
    public static FalCallHeaders Headers(
        IDictionary<string, string> headers, FalQueuePriority? priority, string? hint, TimeSpan? startTimeout, FalObjectLifecycle? lifecycle) =>
        new(Copy(headers), priority, hint, startTimeout) { StorageLifecycle = lifecycle };

    private static ReadOnlyDictionary<string, string> Copy(IDictionary<string, string> headers) =>
        headers.Count == 0 ? s_noHeaders : new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase));
}
