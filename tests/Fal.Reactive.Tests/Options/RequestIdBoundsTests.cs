using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Options;

/// <summary>fal issues UUIDs: a request id given to the client is printable ASCII of at most 256 characters, or refused at the call.</summary>
public sealed class RequestIdBoundsTests
{
    private const string App = "fal-ai/flux/dev";

    public static TheoryData<string> OutOfBounds => [new string('a', 257), "caf\u00e9", "r\u00a0id", "\u4e2d"];

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void ANonAsciiOrOverlongRequestId_IsRefusedAtTheCall(string requestId)
    {
        using var fal = new SimulatedFal();

        fal.Client.Invoking(c => c.GetHandle(App, requestId)).Should().Throw<ArgumentException>().WithParameterName(nameof(requestId));
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public void A256CharacterAsciiRequestId_IsAccepted()
    {
        using var fal = new SimulatedFal();

        fal.Client.GetHandle(App, new string('a', 256)).RequestId.Should().HaveLength(256);
    }
}
