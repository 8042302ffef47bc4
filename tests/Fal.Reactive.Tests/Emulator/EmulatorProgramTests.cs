using System.Reflection;
using Fal.Reactive.Emulator;

#pragma warning disable CA1050 // The point is a Program in the global namespace, as a consumer's web app has.

/// <summary>
/// A consumer's own <c>Program</c> in the global namespace, as the target of <c>WebApplicationFactory&lt;Program&gt;</c>.
/// Were the emulator's <c>Program</c> public, naming this type would not compile: CS0436 (warning as error) here,
/// CS0433 when the consumer's <c>Program</c> comes from another assembly, as it does in a web app's test project.
/// </summary>
internal sealed class Program;

#pragma warning restore CA1050

namespace Fal.Reactive.Tests.Emulator
{
    public class EmulatorProgramTests
    {
        [Fact]
        public void TheEmulatorLibrary_HasNoEntryPoint_AndTheToolsProgramIsNotPublic()
        {
            // A test project references the library: it brings no Program of its own.
            typeof(FalEmulator).Assembly.EntryPoint.Should().BeNull();
            typeof(FalEmulator).Assembly.GetExportedTypes().Should().NotContain(t => t.Name == "Program");

            var tool = Assembly.Load("Fal.Reactive.Emulator.Tool");
            var entryType = tool.EntryPoint!.DeclaringType!;
            entryType.Name.Should().Be("Program");
            entryType.IsPublic.Should().BeFalse();
            tool.GetExportedTypes().Should().BeEmpty();
        }

        [Fact]
        public void ConsumerProgram_BindsToTheConsumersOwnType()
        {
            typeof(global::Program).Assembly.Should().BeSameAs(typeof(EmulatorProgramTests).Assembly);
        }
    }
}
