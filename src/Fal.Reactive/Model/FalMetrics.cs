namespace Fal.Reactive;

/// <summary>What fal measured for a completed request.</summary>
/// <param name="InferenceTime">Seconds the runner spent processing, as fal reports it; null when not reported.</param>
public sealed record FalMetrics(double? InferenceTime)
{
    /// <summary>Metrics of an app that reports none.</summary>
    public static FalMetrics Empty { get; } = new((double?)null);
}
