using RxConsole;

namespace Fal.Reactive.Tests.Samples.RxConsole;

/// <summary>The sample's command line: mistakes are one clear line (exit 2 in Program), never a stack trace.</summary>
public sealed class SampleOptionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rxconsole-options-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("bad")]
    [InlineData("fal-ai/")]
    [InlineData("fal ai/fast sdxl")]
    public void MalformedAppId_IsAFormatExceptionNamingIt(string app)
    {
        var parse = () => SampleOptions.Parse(["-a", app]);

        parse.Should().Throw<FormatException>().WithMessage($"*-a*'{app}'*").Which.Message.Should().NotContain("\n");
    }

    [Theory]
    [InlineData("fal-ai/fast-sdxl")]
    [InlineData("fal-ai/flux/dev")]
    [InlineData("emulator/echo")]
    public void WellFormedAppId_IsKept(string app) =>
        SampleOptions.Parse(["--app", app]).App.Should().Be(app);

    [Theory]
    [InlineData("")]
    [InlineData("\n   \n")]
    [InlineData("# only a comment\n\n# and another\n")]
    public void PromptsFileWithoutPrompts_IsAnError_NotTheBuiltInPrompts(string content)
    {
        var file = Path.Combine(_folder, "prompts.txt");
        File.WriteAllText(file, content);

        var parse = () => SampleOptions.Parse(["-f", file]);

        parse.Should().Throw<FormatException>().WithMessage("*no prompts*");
    }

    [Fact]
    public void PromptsFile_CommentsAndBlankLinesSkipped()
    {
        var file = Path.Combine(_folder, "prompts.txt");
        File.WriteAllText(file, "# a comment\n\na cat\n  a dog  \n");

        var options = SampleOptions.Parse(["-f", file]);

        PromptSource.Load(options).Select(j => j.Prompt).Should().Equal("a cat", "a dog");
    }

    [Fact]
    public void OutputFolderUnderAFile_CannotBePrepared_WithOneLineSayingWhy()
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "");

        var ok = OutputFolder.TryPrepare(Path.Combine(file, "out"), out var error);

        ok.Should().BeFalse();
        error.Should().StartWith("-o: cannot write to").And.NotContain("\n");
    }

    [Fact]
    public void WritableOutputFolder_IsCreated_AndLeftEmpty()
    {
        var folder = Path.Combine(_folder, "nested", "out");

        OutputFolder.TryPrepare(folder, out var error).Should().BeTrue(error);

        Directory.EnumerateFileSystemEntries(folder).Should().BeEmpty();
    }
}
