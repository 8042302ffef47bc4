using System.Net;
using Fal.Reactive.Testing;
using Reason = Fal.Reactive.FalWebhookVerificationReason;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>The key set's cache and refresh rules, in virtual time: fetched once, again on rotation (bounded), on expiry, kept on failure.</summary>
public sealed class JwksRefreshTests : IDisposable
{
    private readonly WebhookVectors _v = new();

    [Fact]
    public async Task ManyDeliveries_FetchTheKeySetOnce()
    {
        var verifier = _v.Verifier();

        for (var i = 0; i < 5; i++)
        {
            (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
        }

        _v.Server.Fetches.Should().Be(1);
    }

    [Fact]
    public async Task RotatedKey_FetchesTheSetAgainAndVerifies()
    {
        var verifier = _v.Verifier();
        (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
        var rotated = FalWebhookSigningKey.Create("key-2");
        _v.Server.Keys.Add(rotated);
        _v.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);

        var outcome = await verifier.VerifyAsync(_v.Sign(key: rotated), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.Verified, outcome.Message);
        _v.Server.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task UnknownSignatures_RefreshAtMostOncePerMinRefreshInterval()
    {
        var verifier = _v.Verifier(o => o.MinRefreshInterval = TimeSpan.FromMinutes(1));
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);
        var stranger = FalWebhookSigningKey.Create();

        for (var i = 0; i < 10; i++)
        {
            (await verifier.VerifyAsync(_v.Sign(key: stranger), WebhookVectors.Body)).Reason.Should().Be(Reason.BadSignature);
            _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        }

        _v.Server.Fetches.Should().Be(1, "the first fetch was under a minute before the forged deliveries");
        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
        await verifier.VerifyAsync(_v.Sign(key: stranger), WebhookVectors.Body);
        _v.Server.Fetches.Should().Be(2, "a minute after the last fetch, an unknown signature may fetch again");
        await verifier.VerifyAsync(_v.Sign(key: stranger), WebhookVectors.Body);
        _v.Server.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task RotatedKeyWithinTheBound_IsRejectedUntilTheSetMayBeFetchedAgain()
    {
        var verifier = _v.Verifier();
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);
        var rotated = FalWebhookSigningKey.Create("key-2");
        _v.Server.Keys.Add(rotated);

        (await verifier.VerifyAsync(_v.Sign(key: rotated), WebhookVectors.Body)).Reason.Should().Be(Reason.BadSignature);
        _v.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);
        (await verifier.VerifyAsync(_v.Sign(key: rotated), WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
    }

    [Fact]
    public async Task CachedSet_IsFetchedAgainOnceItsCacheDurationHasPassed()
    {
        var verifier = _v.Verifier(o => o.CacheDuration = TimeSpan.FromHours(24));
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);

        _v.Scheduler.AdvanceBy(TimeSpan.FromHours(23).Ticks);
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);
        _v.Server.Fetches.Should().Be(1);

        _v.Scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);
        _v.Server.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheKeysAlreadyHeld()
    {
        var verifier = _v.Verifier();
        await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);
        _v.Server.Answer = () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        _v.Scheduler.AdvanceBy(TimeSpan.FromHours(25).Ticks);
        var outcome = await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.Verified, "an expired set whose refresh failed is still better than none");
        _v.Server.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task FailedFirstFetch_IsRetriedOnlyAfterTheInterval()
    {
        var verifier = _v.Verifier();
        _v.Server.Answer = () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.JwksUnavailable);
        _v.Server.Answer = null;

        (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.JwksUnavailable);
        _v.Server.Fetches.Should().Be(1);

        _v.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);
        (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
        _v.Server.Fetches.Should().Be(2);
    }

    [Fact]
    public async Task ConcurrentDeliveries_ShareOneFetch()
    {
        _v.Server.Hang = true;
        var verifier = _v.Verifier(o => o.JwksTimeout = TimeSpan.FromSeconds(5));

        var pending = Enumerable.Range(0, 4).Select(_ => verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body).AsTask()).ToList();
        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        var outcomes = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10));

        _v.Server.Fetches.Should().Be(1);
        outcomes.Should().OnlyContain(o => o.Reason == Reason.JwksUnavailable);
    }

    public void Dispose() => _v.Dispose();
}
