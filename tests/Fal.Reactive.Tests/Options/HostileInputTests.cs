using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Options;

/// <summary>Input that would change what goes on the wire is refused at the call, before anything is sent.</summary>
public class HostileInputTests
{
    public static TheoryData<string> InjectedValues => ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\0b", "a\u007fb"];

    [Theory]
    [MemberData(nameof(InjectedValues))]
    public async Task ControlCharactersInHintOrHeaderValues_AreRefusedAtTheCall_AndNothingIsSent(string value)
    {
        using var fal = new SimulatedFal();
        var withHint = new FalSubmitOptions { Hint = value };
        var withHeader = new FalSubmitOptions();
        withHeader.Headers["X-Custom"] = value;
        var runWithHint = new FalRunOptions { Hint = value };
        var runWithHeader = new FalStreamOptions();
        runWithHeader.Headers["X-Custom"] = value;
        var enqueueWithHint = new FalEnqueueOptions { Hint = value };

        fal.Client.Invoking(c => c.Submit(App, null, withHint)).Should().Throw<ArgumentException>().WithMessage("*control character*");
        fal.Client.Invoking(c => c.Submit(App, null, withHeader)).Should().Throw<ArgumentException>().WithMessage("*control character*");
        await fal.Client.Invoking(c => c.SubmitAsync(App, null, enqueueWithHint)).Should().ThrowAsync<ArgumentException>();
        await fal.Client.Invoking(c => c.RunAsync(App, null, runWithHint)).Should().ThrowAsync<ArgumentException>();
        fal.Client.Invoking(c => c.Stream(App, null, runWithHeader)).Should().Throw<ArgumentException>();
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("caf\u00e9")]
    [InlineData("\u65e5\u672c")]
    [InlineData("emoji \ud83d\ude00")]
    public async Task NonAsciiHintOrHeaderValues_AreRefusedAtTheCall_NamingTheHeader_AndNothingIsSent(string value)
    {
        using var fal = new SimulatedFal();
        var withHint = new FalSubmitOptions { Hint = value };
        var withHeader = new FalSubmitOptions();
        withHeader.Headers["X-Custom"] = value;
        var runWithHeader = new FalRunOptions();
        runWithHeader.Headers["X-Custom"] = value;
        var streamWithHint = new FalStreamOptions { Hint = value };
        var enqueueWithHeader = new FalEnqueueOptions();
        enqueueWithHeader.Headers["X-Custom"] = value;

        fal.Client.Invoking(c => c.Submit(App, null, withHint)).Should().Throw<ArgumentException>().WithMessage("*X-Fal-Runner-Hint*non-ASCII*");
        fal.Client.Invoking(c => c.Submit(App, null, withHeader)).Should().Throw<ArgumentException>().WithMessage("*'X-Custom'*non-ASCII*");
        await fal.Client.Invoking(c => c.SubmitAsync(App, null, enqueueWithHeader)).Should().ThrowAsync<ArgumentException>().WithMessage("*'X-Custom'*");
        await fal.Client.Invoking(c => c.RunAsync(App, null, runWithHeader)).Should().ThrowAsync<ArgumentException>().WithMessage("*'X-Custom'*");
        fal.Client.Invoking(c => c.Stream(App, null, streamWithHint)).Should().Throw<ArgumentException>().WithMessage("*X-Fal-Runner-Hint*");
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("X-Evil\r\nHost")]
    [InlineData("X Space")]
    [InlineData("X:Colon")]
    [InlineData("")]
    public void HeaderNamesThatAreNotTokens_AreRefusedAtTheCall(string name)
    {
        using var fal = new SimulatedFal();
        var options = new FalSubmitOptions();
        options.Headers[name] = "v";

        fal.Client.Invoking(c => c.Submit(App, null, options)).Should().Throw<ArgumentException>().WithMessage("*not an HTTP token*");
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../../other/app")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a%2e")]
    [InlineData("a\r\nb")]
    [InlineData("a b")]
    public void UnsafeRequestIds_AreRefusedByGetHandleAndFromRequestId(string requestId)
    {
        using var fal = new SimulatedFal();

        fal.Client.Invoking(c => c.GetHandle(App, requestId)).Should().Throw<ArgumentException>().WithParameterName(nameof(requestId));
        FluentActions.Invoking(() => FalRequestHandle.FromRequestId(fal.Client, App, requestId)).Should().Throw<ArgumentException>();
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData(Key)]
    [InlineData("pre-" + Key)]
    [InlineData("SIM-KEY-5F1C0FFEE")]
    public void ARequestIdHoldingTheKey_IsRefusedByGetHandleAndFromRequestId_WithoutQuotingIt(string requestId)
    {
        using var fal = new SimulatedFal();

        var e = fal.Client.Invoking(c => c.GetHandle(App, requestId)).Should().Throw<ArgumentException>().WithParameterName(nameof(requestId)).Which;
        e.Message.Should().Contain("API key").And.NotContainEquivalentOf(Key);
        FluentActions.Invoking(() => FalRequestHandle.FromRequestId(fal.Client, App, requestId)).Should().Throw<ArgumentException>()
            .Which.ToString().Should().NotContainEquivalentOf(Key);
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public void AUuidRequestId_IsAccepted()
    {
        using var fal = new SimulatedFal();

        fal.Client.GetHandle(App, "764cabcf-b745-4b3e-ae38-1200304cf45b").RequestId.Should().Be("764cabcf-b745-4b3e-ae38-1200304cf45b");
    }

    [Fact]
    public void APollIntervalNoSchedulerCanWait_IsRefusedAtTheCall_ForClientRequestAndHandle()
    {
        using var fal = new SimulatedFal();
        var handle = fal.Client.GetHandle(App, "764cabcf-b745-4b3e-ae38-1200304cf45b");

        FluentActions.Invoking(() => new FalClient(new FalClientOptions { PollInterval = TimeSpan.MaxValue })).Should().Throw<ArgumentOutOfRangeException>();
        fal.Client.Invoking(c => c.Submit(App, null, new FalSubmitOptions { PollInterval = TimeSpan.MaxValue })).Should().Throw<ArgumentOutOfRangeException>();
        fal.Client.Invoking(c => c.Submit(App, null, new FalSubmitOptions { PollInterval = TimeSpan.FromDays(60) })).Should().Throw<ArgumentOutOfRangeException>();
        handle.Invoking(h => h.Events(interval: TimeSpan.MaxValue)).Should().Throw<ArgumentOutOfRangeException>();
        fal.Simulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public void TimeoutsAndBoundsOutOfRange_AreRefusedByTheClient()
    {
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { Retry = new FalRetryOptions { AttemptTimeout = TimeSpan.Zero } })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { Retry = new FalRetryOptions { MaxRetryAfter = TimeSpan.MaxValue } })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { Retry = new FalRetryOptions { Jitter = 1.5 } })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { MaxStatusBytes = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { StatusStreamIdleTimeout = TimeSpan.MaxValue })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new FalClient(new FalClientOptions { DisposeTimeout = TimeSpan.FromSeconds(-1) })).Should().Throw<ArgumentOutOfRangeException>();
    }
}
