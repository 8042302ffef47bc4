namespace Fal.Reactive;

/// <summary>A runner is processing the request.</summary>
/// <param name="RequestId">The id fal gave the request.</param>
/// <param name="Logs">
/// The log entries so far (fal's answers are cumulative): the newest <see cref="FalClientOptions.MaxLogLines"/> of them
/// (see <see cref="OmittedLogCount"/>), or <see langword="null"/> when logs were not requested.
/// </param>
public sealed record InProgress(string RequestId, IReadOnlyList<FalLog>? Logs) : FalStatus(RequestId)
{
    /// <summary>
    /// Gets how many of the request's older log entries are not in <see cref="Logs"/>: the client keeps the newest
    /// <see cref="FalClientOptions.MaxLogLines"/> (1,000 by default) whether it polls or streams, so <c>Logs[i]</c> is the
    /// request's entry number <c>OmittedLogCount + i</c>, counted from 0. Zero while every entry fits.
    /// </summary>
    public int OmittedLogCount { get; init; }

    /// <inheritdoc/>
    public bool Equals(InProgress? other) =>
        other is not null && RequestId == other.RequestId && OmittedLogCount == other.OmittedLogCount && FalValueEquality.LogsEqual(Logs, other.Logs);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RequestId, Logs?.Count);

    /// <inheritdoc/>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RequestId = ").Append(RequestId).Append(", Logs = ");
        FalValueEquality.PrintLogs(builder, Logs);
        FalValueEquality.PrintOmitted(builder, OmittedLogCount);
        return true;
    }
}
