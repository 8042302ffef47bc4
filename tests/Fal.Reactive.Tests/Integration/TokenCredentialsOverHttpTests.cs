using Fal.Reactive.Emulator;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// <see cref="FalCredentials.FromTokenProvider"/> over real HTTP against the emulator, the way an app that must not hold
/// the key uses it: its provider asks a backend (here a keyed client's <see cref="FalClient.CreateTemporaryTokenAsync"/>,
/// which calls <c>POST /_rest/tokens/</c>) and the client submits, polls and fetches with <c>Authorization: Bearer</c>.
/// The emulator and the client share one <see cref="TestScheduler"/>, so expiry and refresh happen when the test moves time.
/// </summary>
public sealed class TokenCredentialsOverHttpTests : IAsyncLifetime
{
    private const string KeyA = "token-client-key-a";
    private const string KeyB = "token-client-key-b";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly TestScheduler _clock = new();
    private FalEmulator _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2, Keys = [KeyA, KeyB], Scheduler = _clock });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task TokenProvider_SubmitsPollsAndGetsWithBearer_RefreshingBeforeExpiry()
    {
        using var backend = new FalClient(_emulator.CreateClientOptions(FalCredentials.FromKey(KeyA)));
        var fetched = 0;
        var credentials = FalCredentials.FromTokenProvider(
            async ct =>
            {
                fetched++;
                return await backend.CreateTemporaryTokenAsync(["emulator/echo"], TimeSpan.FromSeconds(60), ct);
            },
            TimeSpan.FromSeconds(60));
        using var fal = Client(credentials);

        var first = await fal.SubmitAsync("emulator/echo", new { text = "one" }).WaitAsync(s_bound);
        _clock.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        (await first.StatusAsync().WaitAsync(s_bound)).Should().BeOfType<Completed>();
        (await first.GetAsync().WaitAsync(s_bound)).GetProperty("text").GetString().Should().Be("one");
        fetched.Should().Be(1, "one token serves every call within 90 % of its lifetime");

        // Past 90 % of 60 s: the next call fetches a new token first; the first one expires at 60 s and nothing notices.
        _clock.AdvanceBy(TimeSpan.FromSeconds(50).Ticks);
        var second = await fal.SubmitAsync("emulator/echo", new { text = "two" }).WaitAsync(s_bound);
        _clock.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
        (await second.GetAsync().WaitAsync(s_bound)).GetProperty("text").GetString().Should().Be("two");
        fetched.Should().Be(2);

        // Every queue call went with a token, none with the key (the key stayed with the backend).
        var queueCalls = _emulator.Simulator.Calls.Where(c => c.Kind is Fal.Reactive.Testing.FalCallKind.Submit or Fal.Reactive.Testing.FalCallKind.Status or Fal.Reactive.Testing.FalCallKind.Result).ToList();
        queueCalls.Should().NotBeEmpty().And.OnlyContain(c => c.StatusCode == 200);
        _emulator.Simulator.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task TokenOfAnotherKey_CannotReadTheRequest_404()
    {
        using var backendA = new FalClient(_emulator.CreateClientOptions(FalCredentials.FromKey(KeyA)));
        using var backendB = new FalClient(_emulator.CreateClientOptions(FalCredentials.FromKey(KeyB)));
        using var falA = Client(FalCredentials.FromTokenProvider(ct => backendA.CreateTemporaryTokenAsync(["emulator/echo"], null, ct), TimeSpan.FromMinutes(2)));
        using var falB = Client(FalCredentials.FromTokenProvider(ct => backendB.CreateTemporaryTokenAsync(["emulator/echo"], null, ct), TimeSpan.FromMinutes(2)));

        var handle = await falA.SubmitAsync("emulator/echo", new { text = "mine" }).WaitAsync(s_bound);
        var error = await falB.GetHandle("emulator/echo", handle.RequestId).Awaiting(h => h.StatusAsync()).Should().ThrowAsync<FalHttpException>();

        error.Which.StatusCode.Should().Be(404);
        (await handle.StatusAsync().WaitAsync(s_bound)).RequestId.Should().Be(handle.RequestId);
    }

    [Fact]
    public async Task ExpiredToken_FailsTheCallWithA401_NamingNeitherTheTokenNorTheKey()
    {
        using var backend = new FalClient(_emulator.CreateClientOptions(FalCredentials.FromKey(KeyA)));
        var token = await backend.CreateTemporaryTokenAsync(["emulator/echo"], TimeSpan.FromSeconds(10));
        // The provider claims a longer life than the token has: the client keeps using it after fal stops accepting it.
        using var fal = Client(FalCredentials.FromTokenProvider(_ => Task.FromResult(token), TimeSpan.FromHours(1)));
        _clock.AdvanceBy(TimeSpan.FromSeconds(11).Ticks);

        var error = (await fal.Awaiting(f => f.SubmitAsync("emulator/echo", new { text = "late" })).Should().ThrowAsync<FalHttpException>()).Which;

        error.StatusCode.Should().Be(401);
        error.Detail.Should().Contain("expired");
        error.ToString().Should().NotContain(token).And.NotContain(KeyA);
        (error.ResponseBody ?? string.Empty).Should().NotContain(token);
        _emulator.Simulator.Requests.Should().BeEmpty("nothing was enqueued");
    }

    private FalClient Client(FalCredentials credentials)
    {
        var options = _emulator.CreateClientOptions(credentials);
        options.Scheduler = _clock;
        options.PollInterval = TimeSpan.FromMilliseconds(100);
        return new FalClient(options);
    }
}
