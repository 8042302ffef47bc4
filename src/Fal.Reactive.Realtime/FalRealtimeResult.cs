namespace Fal.Reactive;

/// <summary>One result from a realtime app, with the request id of the input it answers (when the input carried one).</summary>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <param name="RequestId">The <c>request_id</c> the result carries; <see langword="null"/> when the input had none.</param>
/// <param name="Output">The app's output.</param>
public sealed record FalRealtimeResult<TOutput>(string? RequestId, TOutput Output);
