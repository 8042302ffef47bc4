namespace Fal.Reactive;

/// <summary>Options of <see cref="FalDurableClient.RunBatch"/>.</summary>
public sealed class FalBatchOptions
{
    /// <summary>How many keys this worker works at once. Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The options of every key's request, unless the item has its own.</summary>
    public FalSubmitOptions? SubmitOptions { get; set; }

    /// <summary>
    /// Unfinished keys of the journal that are not in the batch are no longer wanted: when true (the default) they are
    /// cancelled on fal (found by request id, or in fal's listing for a submit whose answer was lost) and recorded
    /// <see cref="FalJournalState.Cancelled"/>.
    /// </summary>
    public bool CancelUnlisted { get; set; } = true;

    /// <summary>
    /// Writes a completed key's output somewhere (files, a store) and returns where; run before the outcome is recorded, so a
    /// crash in between runs it again on resume: make it idempotent (write to a temporary name, then rename). The location
    /// is recorded with the outcome, and a key that has one is not written again.
    /// </summary>
    public Func<FalBatchItem, Completed, CancellationToken, Task<string?>>? WriteOutput { get; set; }
}
