namespace Fal.Reactive;

/// <summary>One key of a durable batch (<see cref="FalDurableClient.RunBatch"/>): the key, the app and the input.</summary>
/// <param name="Key">The caller's idempotency key: one request per key, ever, across runs and workers.</param>
/// <param name="AppId">The app, e.g. <c>fal-ai/fast-sdxl</c>.</param>
/// <param name="Input">The input (sent when the key has never been submitted).</param>
public sealed record FalBatchItem(string Key, string AppId, FalInput? Input)
{
    /// <summary>Gets the options of the key's request (logs, polling, priority…). Default: the batch's.</summary>
    public FalSubmitOptions? Options { get; init; }
}
