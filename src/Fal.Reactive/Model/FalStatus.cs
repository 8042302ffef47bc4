namespace Fal.Reactive;

/// <summary>
/// The state of a request in the fal queue: <see cref="Queued"/>, <see cref="InProgress"/> or
/// <see cref="Completed"/>. Statuses compare by value (logs element by element, results as JSON), so
/// recorded sequences can be asserted with ordinary equality.
/// </summary>
/// <param name="RequestId">The id fal gave the request when it was submitted.</param>
public abstract record FalStatus(string RequestId);
