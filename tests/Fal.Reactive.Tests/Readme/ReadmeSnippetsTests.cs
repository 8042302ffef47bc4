using System.Text.RegularExpressions;

namespace Fal.Reactive.Tests.Readme;

/// <summary>
/// Every C# block in README.md stands, line for line, in <see cref="ReadmeSnippets"/>, which the build
/// compiles with warnings as errors: the README cannot show code that no longer compiles.
/// </summary>
public partial class ReadmeSnippetsTests
{
    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < CSharpBlock().Count(File.ReadAllText(ReadmePath())); i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void Readme_HasCSharpBlocks() => Blocks().Count.Should().BeGreaterThan(5);

    [Theory]
    [MemberData(nameof(Blocks))]
    public void ReadmeBlock_IsCompiledInReadmeSnippets(int index)
    {
        var block = CSharpBlock().Matches(File.ReadAllText(ReadmePath()))[index].Groups[1].Value;
        var snippets = Normalize(File.ReadAllText(SnippetsPath()));
        var lines = Normalize(block);

        // Using directives sit at the top of the snippets file; the rest must stand there contiguously.
        var usings = lines.Where(IsUsingDirective).ToList();
        var code = lines.Where(l => !IsUsingDirective(l)).ToList();
        snippets.Should().Contain(usings.Count > 0 ? usings : snippets.Take(1));
        IndexOfRun(snippets, code).Should().BeGreaterThanOrEqualTo(0,
            $"README block {index} must appear verbatim in ReadmeSnippets.cs:\n{string.Join('\n', code)}");
    }

    [Fact]
    public async Task ReadmeTestingExample_RunsAndItsAssertionsHold() =>
        await ReadmeSnippets.TestingWithTheSimulator();

    [Fact]
    public async Task ReadmeRealtimeTestingExample_RunsAndItsAssertionsHold() =>
        await ReadmeSnippets.RealtimeTesting();

    [Fact]
    public async Task ReadmeEmulatorExample_Runs() =>
        await ReadmeSnippets.TheEmulator().WaitAsync(TimeSpan.FromSeconds(30));

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal) && line.EndsWith(';');

    private static List<string> Normalize(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static int IndexOfRun(List<string> haystack, List<string> run)
    {
        for (var i = 0; i + run.Count <= haystack.Count; i++)
        {
            if (haystack.Skip(i).Take(run.Count).SequenceEqual(run))
            {
                return i;
            }
        }

        return -1;
    }

    // Both files are copied next to the test assembly by the project file.
    private static string SnippetsPath() => Path.Combine(AppContext.BaseDirectory, "Readme", "ReadmeSnippets.cs.txt");

    private static string ReadmePath() => Path.Combine(AppContext.BaseDirectory, "Readme", "README.md");
}
