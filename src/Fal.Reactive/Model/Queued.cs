namespace Fal.Reactive;

/// <summary>The request waits in the queue.</summary>
/// <param name="RequestId">The id fal gave the request.</param>
/// <param name="Position">How many requests are ahead of this one (0-based: 0 means next).</param>
public sealed record Queued(string RequestId, int Position) : FalStatus(RequestId);
