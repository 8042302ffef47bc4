namespace Fal.Reactive;

/// <summary>Why a durable request could not go on (<see cref="FalJournalException.Failure"/>).</summary>
public enum FalJournalFailure
{
    /// <summary>Another worker holds an unexpired lease on the key.</summary>
    LeaseHeld = 0,

    /// <summary>The caller's lease was taken over by another worker (it was presumed dead): the caller stopped.</summary>
    LeaseLost = 1,

    /// <summary>
    /// A submit may have reached fal before a crash (an intent without a request id) and fal's request listing could not
    /// be read: the key is left as it is, not submitted again. Resume later.
    /// </summary>
    ListingUnavailable = 2,

    /// <summary>fal's listing holds more than one unclaimed request with the intent's input in its window: which one is the key's is unknown.</summary>
    AmbiguousListing = 3,

    /// <summary>The key is known with another app id.</summary>
    AppMismatch = 4,
}
