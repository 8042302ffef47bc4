using System.Text.Json;

namespace Fal.Reactive;

/// <summary>How a key ended, as recorded in a <see cref="IFalRequestJournal"/>: the output, where it was written, or the error.</summary>
public sealed record FalJournalOutcome
{
    private FalJournalOutcome(FalJournalState state)
    {
        State = state;
    }

    /// <summary>Gets <see cref="FalJournalState.Succeeded"/>, <see cref="FalJournalState.Failed"/> or <see cref="FalJournalState.Cancelled"/>.</summary>
    public FalJournalState State { get; }

    /// <summary>Gets the output, when recorded (a <see cref="Succeeded(JsonElement?, string?)"/> outcome).</summary>
    public JsonElement? Output { get; private init; }

    /// <summary>Gets where the output was written (a path or URL of the caller's choosing), when recorded.</summary>
    public string? Location { get; private init; }

    /// <summary>Gets the error of a <see cref="FalJournalState.Failed"/> outcome.</summary>
    public FalJournalError? Error { get; private init; }

    /// <summary>A completed request: its output, or where it was written, or both.</summary>
    /// <param name="output">The output JSON (cloned, so it outlives its document).</param>
    /// <param name="location">Where the caller wrote the output.</param>
    /// <returns>The outcome.</returns>
    public static FalJournalOutcome Succeeded(JsonElement? output, string? location = null) =>
        new(FalJournalState.Succeeded) { Output = output?.Clone(), Location = location };

    /// <summary>A request that ended with an error.</summary>
    /// <param name="error">The recorded error.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public static FalJournalOutcome Failed(FalJournalError error) =>
        new(FalJournalState.Failed) { Error = error ?? throw new ArgumentNullException(nameof(error)) };

    /// <summary>A key the caller no longer wanted: cancelled on fal, or never sent.</summary>
    /// <returns>The outcome.</returns>
    public static FalJournalOutcome Cancelled() => new(FalJournalState.Cancelled);
}
