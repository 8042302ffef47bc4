using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Fal.Reactive.Tests.Readme;

/// <summary>
/// The README's self-contained blocks run as pasted: each is compiled from the README's own text as a console program
/// and its entry point run, its <c>new FalClient()</c> finding an in-process emulator through <c>FAL_EMULATOR_URL</c>
/// and any <c>FAL_KEY</c>, as a newcomer's program would. No client is injected and no copy of the code is kept
/// elsewhere. Blocks that are not self-contained say so on their first line (<c>// continues:</c>).
/// </summary>
[Collection(EnvironmentVariablesDefinition.Name)]
public sealed partial class ReadmeBlocksRunTests
{
    private const string ContinuesMarker = "// continues:";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    // Blocks that talk to a host of the reader's own: nothing here answers there (they are compiled, not run).
    private static readonly string[] s_notRunHere = ["https://my-app.example/api/fal/proxy"];

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<int> SelfContainedBlocks()
    {
        var data = new TheoryData<int>();
        var blocks = ReadmeBlocks();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (!blocks[i].TrimStart().StartsWith(ContinuesMarker, StringComparison.Ordinal) && !s_notRunHere.Any(blocks[i].Contains))
            {
                data.Add(i);
            }
        }

        return data;
    }

    [Fact]
    public void TheReadme_HasSelfContainedBlocksToRun() =>
        SelfContainedBlocks().Count.Should().BeGreaterThanOrEqualTo(8, "the quick start, the composition examples, configuration, webhooks, testing and the emulator run as pasted");

    [Theory]
    [MemberData(nameof(SelfContainedBlocks))]
    public async Task ASelfContainedBlock_RunsAsPasted_AgainstTheEmulatorNamedByFalEmulatorUrl(int index)
    {
        var block = ReadmeBlocks()[index];
        var entry = Build(block);
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2 });
        using (EnvironmentScope.With(
            ("FAL_EMULATOR_URL", emulator.BaseUrl.ToString()), ("FAL_RUN_HOST", null), ("FAL_QUEUE_RUN_HOST", null),
            (FalCredentials.KeyVariable, "any-key"), (FalCredentials.KeyIdVariable, null), (FalCredentials.KeySecretVariable, null)))
        {
            // The program's own Main (top-level statements): it blocks until the block's awaits are done.
            var run = Task.Run(() => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]));
            await run.WaitAsync(s_bound);
        }

        // A block with a client of its own that awaits work (beyond `await using`) at the top level, not inside the
        // endpoints it maps, sent its requests to the emulator FAL_EMULATOR_URL named: something must have arrived.
        if (block.Contains("new FalClient()", StringComparison.Ordinal) && Regex.IsMatch(block, @"\bawait\s+(?!using\b)")
            && !block.Contains("app.Map", StringComparison.Ordinal))
        {
            emulator.Simulator.Requests.Should().NotBeEmpty($"block {index}'s client found the emulator through FAL_EMULATOR_URL");
        }

        emulator.Simulator.Requests.Should().NotContain(
            r => r.State == FalSimulatedRequestState.Queued || r.State == FalSimulatedRequestState.Running,
            $"block {index} leaves nothing queued or running on fal:\n{block}");
    }

    [Fact]
    public void ARunBlockThatFails_FailsTheTest()
    {
        var entry = Build("throw new System.InvalidOperationException(\"the block's own failure\");");

        var run = () => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);

        run.Should().Throw<TargetInvocationException>().WithInnerException<InvalidOperationException>().WithMessage("the block's own failure");
    }

    [Fact]
    public void EveryBlockThatUsesFal_CreatesItsClient_OrSaysItContinues()
    {
        var orphans = ReadmeBlocks().Where(b => Regex.IsMatch(b, @"\bfal\.") && !b.Contains("var fal = ", StringComparison.Ordinal)
            && !b.Contains("(FalClient fal", StringComparison.Ordinal) && !b.TrimStart().StartsWith(ContinuesMarker, StringComparison.Ordinal));

        orphans.Should().BeEmpty("a pasted block that uses a `fal` it never creates does not compile (CS0103)");
    }

    private static List<string> ReadmeBlocks() =>
        [.. CSharpBlock().Matches(File.ReadAllText(Path.Combine(DocSnippetsTests.RepositoryRoot(), "README.md"))).Select(m => m.Groups[1].Value)];

    /// <summary>Compiles a block as a console program into a load context of its own and returns its entry point.</summary>
    private static MethodInfo Build(string block)
    {
        using var image = new MemoryStream();
        var emitted = DocSnippetsTests.CreateCompilation(block, OutputKind.ConsoleApplication).Emit(image);
        emitted.Success.Should().BeTrue(string.Join('\n', emitted.Diagnostics));
        image.Position = 0;
        var assembly = new AssemblyLoadContext("readme-block", isCollectible: true).LoadFromStream(image);
        return assembly.EntryPoint ?? throw new InvalidOperationException("The block compiled to no entry point.");
    }
}
