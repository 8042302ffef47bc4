using System.Text.RegularExpressions;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Readme;

/// <summary>
/// The README's self-contained blocks run as pasted: each creates its own <c>new FalClient()</c>, which finds an
/// in-process emulator through <c>FAL_EMULATOR_URL</c> and any <c>FAL_KEY</c>, as a newcomer's program would.
/// No client is injected. The blocks that are not self-contained say so on their first line.
/// </summary>
[Collection(EnvironmentVariablesDefinition.Name)]
public sealed partial class ReadmeBlocksRunTests
{
    private const string ContinuesMarker = "// continues:";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<string> SelfContainedBlocks() =>
        [nameof(ReadmeSnippets.QuickStart), nameof(ReadmeSnippets.QuickStartObservable), nameof(ReadmeSnippets.TimeoutVersusDeadline),
         nameof(ReadmeSnippets.BatchesWithMerge), nameof(ReadmeSnippets.HandleApi)];

    [Theory]
    [MemberData(nameof(SelfContainedBlocks))]
    public async Task ASelfContainedBlock_RunsAsPasted_AgainstTheEmulatorNamedByFalEmulatorUrl(string block)
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2 });
        var run = typeof(ReadmeSnippets).GetMethod(block)!;
        Task example;
        using (EnvironmentScope.With(
            ("FAL_EMULATOR_URL", emulator.BaseUrl.ToString()), ("FAL_RUN_HOST", null), ("FAL_QUEUE_RUN_HOST", null),
            (FalCredentials.KeyVariable, "any-key"), (FalCredentials.KeyIdVariable, null), (FalCredentials.KeySecretVariable, null)))
        {
            // The block reads the environment when it creates its client, before its first await; the scope holds
            // a lock released on this thread, so nothing is awaited inside it.
            example = (Task)run.Invoke(null, null)!;
        }

        await example.WaitAsync(s_bound);
        var requests = emulator.Simulator.Requests;
        if (block != nameof(ReadmeSnippets.TimeoutVersusDeadline))
        {
            requests.Should().NotBeEmpty().And.OnlyContain(r => r.State == Fal.Reactive.Testing.FalSimulatedRequestState.Completed, "each request the block made ran to its end");
        }
    }

    [Fact]
    public void EveryBlockThatUsesFal_CreatesItsClient_OrSaysItContinues()
    {
        var blocks = CSharpBlock().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Readme", "README.md")))
            .Select(m => m.Groups[1].Value).ToList();

        var orphans = blocks.Where(b => Regex.IsMatch(b, @"\bfal\.") && !b.Contains("var fal = ", StringComparison.Ordinal)
            && !b.Contains("(FalClient fal", StringComparison.Ordinal) && !b.TrimStart().StartsWith(ContinuesMarker, StringComparison.Ordinal));

        orphans.Should().BeEmpty("a pasted block that uses a `fal` it never creates does not compile (CS0103)");
    }
}
