namespace Fal.Reactive.Tests.Support;

/// <summary>
/// Tests that set host variables (FAL_EMULATOR_URL, FAL_RUN_HOST, FAL_QUEUE_RUN_HOST). Every client whose options
/// leave a host unset reads them, and most tests build such clients, so these run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariablesDefinition
{
    public const string Name = "Environment variables";
}
