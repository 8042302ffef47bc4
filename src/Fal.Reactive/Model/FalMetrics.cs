using System.Text.Json;

namespace Fal.Reactive;

/// <summary>What fal measured for a completed request.</summary>
/// <param name="InferenceTime">Seconds the runner spent processing, as fal reports it; null when not reported.</param>
public sealed record FalMetrics(double? InferenceTime)
{
    /// <summary>Metrics of an app that reports none.</summary>
    public static FalMetrics Empty { get; } = new((double?)null);

    /// <summary>
    /// Gets fal's whole <c>metrics</c> object as it came (<c>inference_time</c> and whatever else fal or the app
    /// reports), as fal_client's <c>Completed.metrics</c> dict keeps it; null when the status had none.
    /// </summary>
    public JsonElement? Values { get; init; }

    /// <inheritdoc/>
    public bool Equals(FalMetrics? other) =>
        other is not null && InferenceTime == other.InferenceTime && FalValueEquality.JsonEqual(Values, other.Values);

    /// <inheritdoc/>
    public override int GetHashCode() => InferenceTime.GetHashCode();
}
