using System.Globalization;

namespace Fal.Reactive.Tests.Support;

/// <summary>
/// A deterministic <see cref="Fal.Reactive.Testing.FalSimulatorOptions.RequestIdGenerator"/>: the simulator's ids are
/// random (as fal's are), so a test that compares two runs message by message gives both the same id sequence.
/// </summary>
internal static class SequentialRequestIds
{
    public static Func<string> Create()
    {
        var n = 0;
        return () => string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{++n:x12}");
    }
}
