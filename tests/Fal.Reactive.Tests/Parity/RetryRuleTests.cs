using System.Net;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Parity;

/// <summary>
/// Which answers each call retries, against fal_client's <c>_should_retry_response</c> (client.py): 408, 409 and 429
/// on every call, 502/503/504 only as ingress errors, never a 504 carrying <c>X-Fal-Request-Timeout-Type</c>.
/// Where a call departs (status, cancel and storage also retry a 500), docs/retries.md says why.
/// </summary>
public class RetryRuleTests : ReactiveTest
{
    private const string RequestId = "764cabcf-b745-4b3e-ae38-1200304cf45b";

    private static bool Retried(FalRetryRule rule, int status, bool withRequestId = false, string? timeoutType = null, string? retryable = null)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (retryable is not null)
        {
            response.Headers.Add("X-Fal-Retryable", retryable);
        }

        if (withRequestId)
        {
            response.Headers.Add("x-fal-request-id", RequestId);
        }

        if (timeoutType is not null)
        {
            response.Headers.Add("X-Fal-Request-Timeout-Type", timeoutType);
        }

        var error = FalErrors.FromResponse(response, [], "call", null);
        return FalRetryPolicy.IsTransient(error, response, rule);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    public void RetryCodes_408_409_429_AreRetriedOnEveryCall_AsFalClientsRetryCodes(int status)
    {
        foreach (var rule in new[] { FalRetryRule.NothingEnqueued, FalRetryRule.Transient, FalRetryRule.ReplaysTheAppsAnswer })
        {
            Retried(rule, status).Should().BeTrue($"{rule} retries {status}");
            Retried(rule, status, withRequestId: true).Should().BeTrue($"{rule} retries {status} even from fal");
        }

        Retried(FalRetryRule.Never, status).Should().BeFalse();
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void IngressErrors_AreRetriedOnEveryCall_ButFromFal_OnlyByIdempotentCalls(int status)
    {
        Retried(FalRetryRule.NothingEnqueued, status).Should().BeTrue();
        Retried(FalRetryRule.ReplaysTheAppsAnswer, status).Should().BeTrue();
        Retried(FalRetryRule.Transient, status).Should().BeTrue();

        // fal_client: "this is clearly returned from our server". A submit may have been enqueued; a result is the app's answer.
        Retried(FalRetryRule.NothingEnqueued, status, withRequestId: true).Should().BeFalse();
        Retried(FalRetryRule.ReplaysTheAppsAnswer, status, withRequestId: true).Should().BeFalse();
        // Departure: a status GET or a cancel PUT may be sent again whatever answered it.
        Retried(FalRetryRule.Transient, status, withRequestId: true).Should().BeTrue();
    }

    [Fact]
    public void A500_IsNeverRetriedBySubmitOrResult_WithOrWithoutRequestId_AsFalClient()
    {
        Retried(FalRetryRule.NothingEnqueued, 500).Should().BeFalse();
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 500).Should().BeFalse("the result replays the app's own 500");
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 500, withRequestId: true).Should().BeFalse();
        // Departure: status and cancel are idempotent, so a 500 there is worth another try.
        Retried(FalRetryRule.Transient, 500).Should().BeTrue();
    }

    [Theory]
    [InlineData("user", true)]
    [InlineData("request", false)]
    [InlineData("anything", false)]
    public void A504WithAnyTimeoutType_IsNeverRetried_AsFalClient_AndOnlyUserIsTheStartTimeout_AsTheJsClient(string type, bool isUser)
    {
        foreach (var rule in new[] { FalRetryRule.NothingEnqueued, FalRetryRule.Transient, FalRetryRule.ReplaysTheAppsAnswer })
        {
            Retried(rule, 504, timeoutType: type).Should().BeFalse($"{rule} honours a {type} timeout");
        }

        using var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { Headers = { { "X-Fal-Request-Timeout-Type", type } } };
        var error = FalErrors.FromResponse(response, [], "result", RequestId);
        error.TimeoutType.Should().Be(type);
        error.IsUserTimeout.Should().Be(isUser);
    }

    [Fact]
    public void SubmitAnswered409_IsRetried_AndOneRequestIsEnqueued()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Submit, count: 2, statusCode: 409));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(3);
        fal.Simulator.Requests.Should().ContainSingle();
    }

    [Fact]
    public void ResultAnswered500_IsNotRetried_ItIsTheAppsAnswer()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)).WithFailures(FalCallKind.Result, count: 1, statusCode: 500));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(500);
        fal.CallsOf(FalCallKind.Result).Should().ContainSingle();
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    [InlineData(500)]
    public void XFalRetryableFalse_StopsEveryRetry_EvenOfWhatWeWouldRetry(int status)
    {
        // fal_client does not read the header; fal's docs: "false" means the same request fails again.
        foreach (var rule in new[] { FalRetryRule.NothingEnqueued, FalRetryRule.Transient, FalRetryRule.ReplaysTheAppsAnswer, FalRetryRule.Upload })
        {
            Retried(rule, status, retryable: "false").Should().BeFalse($"{rule} honours X-Fal-Retryable: false on {status}");
            Retried(rule, status, retryable: "FALSE").Should().BeFalse();
        }
    }

    [Fact]
    public void XFalRetryableTrue_LetsOnlyCallsSafeToRepeatRetryA5xx()
    {
        // The result's 500 is not retried without the header (the app's answer) but is with it: a second GET is harmless.
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 500, retryable: "true").Should().BeTrue();
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 500, withRequestId: true, retryable: "true").Should().BeTrue();
        Retried(FalRetryRule.Transient, 501, retryable: "true").Should().BeTrue();
        // A submit, run or stream is never repeated on the header's word: a second POST is a second billed request.
        Retried(FalRetryRule.NothingEnqueued, 500, retryable: "true").Should().BeFalse();
        Retried(FalRetryRule.NothingEnqueued, 503, withRequestId: true, retryable: "true").Should().BeFalse();
        // Neither a 4xx fal attributes to the input, nor a timeout the caller set.
        Retried(FalRetryRule.Transient, 422, retryable: "true").Should().BeFalse();
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 504, timeoutType: "user", retryable: "true").Should().BeFalse();
        // Anything but true/false is no word at all.
        Retried(FalRetryRule.ReplaysTheAppsAnswer, 500, retryable: "maybe").Should().BeFalse();
    }

    [Fact]
    public void XFalRetryable_IsOnTheException()
    {
        using var yes = new HttpResponseMessage(HttpStatusCode.InternalServerError) { Headers = { { "X-Fal-Retryable", "true" } } };
        using var none = new HttpResponseMessage(HttpStatusCode.InternalServerError);

        FalErrors.FromResponse(yes, [], "result", RequestId).Retryable.Should().BeTrue();
        FalErrors.FromResponse(none, [], "result", RequestId).Retryable.Should().BeNull();
    }

    [Fact]
    public void StatusAnswered503WithRetryableFalse_OverHttpModel_IsNotRetried_AndTheResultsRetryableTrue500Is()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Status, count: 1, statusCode: 503, retryable: false));
        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var error = observer.Messages[^1].Value.Exception.Should().BeOfType<FalHttpException>().Subject;
        error.StatusCode.Should().Be(503);
        error.Retryable.Should().BeFalse();
        fal.CallsOf(FalCallKind.Status).Should().ContainSingle("the emulator said the same call fails again");

        using var second = new SimulatedFal();
        second.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Result, count: 1, statusCode: 500, retryable: true));
        var completed = second.Scheduler.Start(() => second.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        completed.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        second.CallsOf(FalCallKind.Result).Should().HaveCount(2);
    }
}
