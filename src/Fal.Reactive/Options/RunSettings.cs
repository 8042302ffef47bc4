namespace Fal.Reactive;

/// <summary>
/// What a direct run's (<see cref="FalRunOptions"/>) or a stream's (<see cref="FalStreamOptions"/>) options said
/// at the call, copied and then checked: the run reads only this. A direct run has no idle timeout.
/// </summary>
internal sealed record RunSettings(TimeSpan? Timeout, TimeSpan? IdleTimeout, FalCallHeaders CallHeaders)
{
    /// <summary>No options (one instance, as nothing in it can change).</summary>
    public static readonly RunSettings Default = new FalStreamOptions().Snapshot();
}
