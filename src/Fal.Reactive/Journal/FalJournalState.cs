namespace Fal.Reactive;

/// <summary>Where a key of a <see cref="IFalRequestJournal"/> stands: each state is recorded before the step it names is visible to the caller.</summary>
public enum FalJournalState
{
    /// <summary>Added to a batch; nothing sent yet.</summary>
    Pending = 0,

    /// <summary>The intent is recorded (input hash, time) and a submit may be on the wire: no request id known yet.</summary>
    Submitting = 1,

    /// <summary>fal answered the submit: the request id is recorded.</summary>
    Submitted = 2,

    /// <summary>The request completed; its output (or where it was written) is recorded.</summary>
    Succeeded = 3,

    /// <summary>The request ended with an error, recorded as <see cref="FalJournalEntry.Error"/>.</summary>
    Failed = 4,

    /// <summary>The request was cancelled (or never sent) because the caller no longer wanted it.</summary>
    Cancelled = 5,
}
