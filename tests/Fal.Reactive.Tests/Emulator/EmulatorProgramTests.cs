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
        public void EmulatorEntryPoint_IsNotPublic()
        {
            var entryType = typeof(FalEmulator).Assembly.EntryPoint!.DeclaringType!;

            entryType.Name.Should().Be("Program");
            entryType.IsPublic.Should().BeFalse();
            typeof(FalEmulator).Assembly.GetExportedTypes().Should().NotContain(t => t.Name == "Program");
        }

        [Fact]
        public void ConsumerProgram_BindsToTheConsumersOwnType()
        {
            typeof(global::Program).Assembly.Should().BeSameAs(typeof(EmulatorProgramTests).Assembly);
        }
    }
}
