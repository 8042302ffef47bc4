using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Fal.Reactive.Tests.Readme;

/// <summary>
/// Every C# block of README.md, docs/*.md and the packages' READMEs compiles on its own, as a program
/// with top-level statements, with only the <c>using</c>s it shows (plus the implicit ones of a new
/// console project): a reader who copies a block gets code that builds. Only a block that begins with
/// <c>// continues:</c> (it goes on from an earlier one) may use <c>fal</c> (a <see cref="FalClient"/>) and
/// <c>builder</c> (a host builder) without declaring them; any other block declares what it uses.
/// </summary>
public partial class DocSnippetsTests
{
    // What `dotnet new console` (ImplicitUsings) gives every file.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private const string ContinuesMarker = "// continues:";

    // The names the prose introduces; fully qualified, so they bring no using with them.
    private const string Context = """
        global using static SnippetContext;
        internal static class SnippetContext
        {
            public static Fal.Reactive.FalClient fal => throw new System.NotSupportedException();
            public static Microsoft.Extensions.Hosting.HostApplicationBuilder builder => throw new System.NotSupportedException();
        }
        """;

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in MarkdownFiles())
        {
            var count = CSharpBlock().Count(File.ReadAllText(Path.Combine(RepositoryRoot(), file)));
            for (var i = 0; i < count; i++)
            {
                data.Add(file, i);
            }
        }

        return data;
    }

    [Theory]
    [InlineData("docs/batch.md")]
    [InlineData("docs/ui-binding.md")]
    [InlineData("docs/testing.md")]
    [InlineData("docs/emulator.md")]
    [InlineData("docs/dependency-injection.md")]
    [InlineData("docs/telemetry.md")]
    [InlineData("docs/trimming.md")]
    public void ScenarioGuide_HasCSharpBlocks(string file) =>
        CSharpBlock().Count(File.ReadAllText(Path.Combine(RepositoryRoot(), file))).Should().BeGreaterThan(0);

    [Theory]
    [MemberData(nameof(Blocks))]
    public void CSharpBlock_CompilesWithItsOwnUsings(string file, int index)
    {
        var block = CSharpBlock().Matches(File.ReadAllText(Path.Combine(RepositoryRoot(), file)))[index].Groups[1].Value;

        var errors = Compile(block);

        errors.Should().BeEmpty($"block {index} of {file} must compile as shown:\n{block}");
    }

    [Fact]
    public void ABlockUsingAnUndeclaredFal_WithoutSayingItContinues_DoesNotCompile()
    {
        Compile("fal.Dispose();").Should().Contain(e => e.Contains("CS0103", StringComparison.Ordinal));
        Compile(ContinuesMarker + " the quick start's client\nfal.Dispose();").Should().BeEmpty();
    }

    [Fact]
    public void ABlockMissingAUsing_DoesNotCompile() =>
        Compile("JsonElement e = default;\nConsole.WriteLine(e);").Should().Contain(e => e.Contains("CS0246", StringComparison.Ordinal));

    [Fact]
    public void TestingGuideTest_RunsAndPasses()
    {
        // The guide's test is a test: compile it, load it, run it; its asserts throw if it does not hold.
        var block = CSharpBlock().Matches(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs/testing.md")))[0].Groups[1].Value;
        using var image = new MemoryStream();
        var emitted = CreateCompilation(block, OutputKind.DynamicallyLinkedLibrary).Emit(image);
        emitted.Success.Should().BeTrue(string.Join('\n', emitted.Diagnostics));

        var type = System.Reflection.Assembly.Load(image.ToArray()).GetType("ImageJobTests")!;
        var tests = type.GetMethods().Where(m => m.GetCustomAttributes(typeof(FactAttribute), false).Length > 0).ToList();
        tests.Should().NotBeEmpty();
        foreach (var test in tests)
        {
            test.Invoke(Activator.CreateInstance(type), null);
        }
    }

    private static List<string> Compile(string block)
    {
        return CreateCompilation(block, OutputKind.ConsoleApplication).GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Where(d => d.Id != "CS5001")   // a block of declarations only (a class, a test) has no entry point
            .Select(d => d.ToString())
            .ToList();
    }

    /// <summary>A block as a compilation (with a new console project's implicit usings; the shared <c>fal</c> only for a block that continues).</summary>
    internal static CSharpCompilation CreateCompilation(string block, OutputKind kind)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        List<SyntaxTree> trees = [CSharpSyntaxTree.ParseText(block, parse, path: "Snippet.cs"), CSharpSyntaxTree.ParseText(ImplicitUsings, parse)];
        if (block.TrimStart().StartsWith(ContinuesMarker, StringComparison.Ordinal))
        {
            trees.Add(CSharpSyntaxTree.ParseText(Context, parse));
        }

        return CSharpCompilation.Create(
            "Snippet",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static IEnumerable<string> MarkdownFiles()
    {
        var root = RepositoryRoot();
        yield return "README.md";
        foreach (var folder in new[] { "docs", "src" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (!path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    yield return Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                }
            }
        }
    }

    internal static string RepositoryRoot()
    {
        // The tests run from tests/Fal.Reactive.Tests/bin/<config>/<tfm>/: the solution file marks the root.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fal.Reactive.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fal.Reactive.sln not found above " + AppContext.BaseDirectory);
    }
}
