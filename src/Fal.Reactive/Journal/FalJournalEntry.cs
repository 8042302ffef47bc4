using System.Text.Json;

namespace Fal.Reactive;

/// <summary>One key of a <see cref="IFalRequestJournal"/> as last recorded.</summary>
/// <param name="Key">The caller's key (idempotency key): one request per key, ever.</param>
/// <param name="AppId">The app the key's request goes to, e.g. <c>fal-ai/fast-sdxl</c>.</param>
public sealed record FalJournalEntry(string Key, string AppId)
{
    /// <summary>Gets where the key stands.</summary>
    public FalJournalState State { get; init; }

    /// <summary>Gets the SHA-256 (lowercase hex) of the input as sent, in the client's compact JSON form; set from <see cref="FalJournalState.Submitting"/> on.</summary>
    public string? InputHash { get; init; }

    /// <summary>Gets when the intent was recorded (the scheduler's clock), just before the submit was sent.</summary>
    public DateTimeOffset? SubmittingAt { get; init; }

    /// <summary>Gets fal's request id, once known.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the output of a succeeded key, when it was recorded.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Gets where a succeeded key's output was written, when recorded.</summary>
    public string? Location { get; init; }

    /// <summary>Gets the error of a failed key.</summary>
    public FalJournalError? Error { get; init; }

    /// <summary>Gets when the outcome was recorded.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the worker holding the key's lease, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease ends unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets whether the key has an outcome (<see cref="FalJournalState.Succeeded"/>, <see cref="FalJournalState.Failed"/> or <see cref="FalJournalState.Cancelled"/>).</summary>
    public bool IsFinished => State >= FalJournalState.Succeeded;

    /// <summary>Gets whether a request may be on fal for this key (<see cref="FalJournalState.Submitting"/> or <see cref="FalJournalState.Submitted"/>): what an in-flight cap counts.</summary>
    public bool IsInFlight => State is FalJournalState.Submitting or FalJournalState.Submitted;
}
