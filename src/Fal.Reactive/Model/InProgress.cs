namespace Fal.Reactive;

/// <summary>A runner is processing the request.</summary>
/// <param name="RequestId">The id fal gave the request.</param>
/// <param name="Logs">
/// Every log entry so far (fal's answers are cumulative), or <see langword="null"/> when logs were not
/// requested.
/// </param>
public sealed record InProgress(string RequestId, IReadOnlyList<FalLog>? Logs) : FalStatus(RequestId)
{
    /// <inheritdoc/>
    public bool Equals(InProgress? other) =>
        other is not null && RequestId == other.RequestId && FalValueEquality.LogsEqual(Logs, other.Logs);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RequestId, Logs?.Count);

    /// <inheritdoc/>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RequestId = ").Append(RequestId).Append(", Logs = ");
        FalValueEquality.PrintLogs(builder, Logs);
        return true;
    }
}
