using System.Text.Json;

namespace Fal.Reactive;

/// <summary>How one key of a durable batch ended: reported once per key by <see cref="FalDurableClient.RunBatch"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="State"><see cref="FalJournalState.Succeeded"/>, <see cref="FalJournalState.Failed"/> or <see cref="FalJournalState.Cancelled"/>.</param>
public sealed record FalBatchResult(string Key, FalJournalState State)
{
    /// <summary>Gets the request id, when a request was made.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the output of a succeeded key (null when only its location was recorded).</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Gets where the output was written (<see cref="FalBatchOptions.WriteOutput"/>).</summary>
    public string? Location { get; init; }

    /// <summary>Gets the error of a failed key: a <see cref="FalHttpException"/>, or a <see cref="FalJournalException"/> for a key that could not go on.</summary>
    public FalException? Error { get; init; }

    /// <summary>Gets whether the outcome came from the journal, recorded by an earlier run or another worker, without a call to fal.</summary>
    public bool FromJournal { get; init; }

    /// <summary>Gets whether the key succeeded.</summary>
    public bool Succeeded => State == FalJournalState.Succeeded;
}
