using System.Reactive.Linq;
using System.Text;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Errors;

/// <summary>Every error path ends the sequence with its typed exception, the request id, and never the key.</summary>
public class ErrorPathsTests : ReactiveTest
{
    private static Exception RunToError(SimulatedFal fal, FalSubmitOptions? options = null)
    {
        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }, options), disposed: Ticks(120));
        var last = observer.Messages.Should().NotBeEmpty().And.Subject.Last();
        last.Value.Kind.Should().Be(System.Reactive.NotificationKind.OnError);
        var error = last.Value.Exception!;
        error.ToString().Should().NotContain(Key);
        return error;
    }

    private static string OnlyRequestId(SimulatedFal fal) => fal.Simulator.Requests.Single().RequestId;

    [Fact]
    public void ValidationError422_CarriesFieldErrors()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Fail(422, new[] { new { loc = new[] { "body", "prompt" }, msg = "field required", type = "value_error.missing" } }));

        var e = RunToError(fal).Should().BeOfType<FalHttpException>().Subject;

        e.StatusCode.Should().Be(422);
        e.IsValidationError.Should().BeTrue();
        e.RequestId.Should().Be(OnlyRequestId(fal));
        e.ValidationErrors.Should().Equal(new FalValidationError(["body", "prompt"], "field required", "value_error.missing"));
        e.ValidationErrors[0].Field.Should().Be("prompt");
        e.Message.Should().Contain("field required").And.Contain(OnlyRequestId(fal));
    }

    [Fact]
    public void AppError500_CarriesDetailAndErrorType()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Fail(500, "CUDA out of memory", errorType: "internal_error", afterRun: TimeSpan.FromSeconds(1)));

        var e = RunToError(fal).Should().BeOfType<FalHttpException>().Subject;

        e.StatusCode.Should().Be(500);
        e.Detail.Should().Be("CUDA out of memory");
        e.ErrorType.Should().Be("internal_error");
        e.RequestId.Should().Be(OnlyRequestId(fal));
        e.IsUserTimeout.Should().BeFalse();

        // The result replays the app's own error: fetched once, reported at once, not retried as a glitch.
        var result = fal.CallsOf(FalCallKind.Result).Should().ContainSingle().Subject;
        result.Time.Should().Be(fal.Simulator.Requests.Single().CompletedAt!.Value);
    }

    [Fact]
    public void Backoff_WaitsOnTheRequestsScheduler_NotTheClients()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Status, count: 1, statusCode: 503));
        using var client = new FalClient(fal.Http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = new TestScheduler() });

        var observer = fal.Scheduler.Start(
            () => client.Submit(App, new { prompt = "x" }, new FalSubmitOptions { Scheduler = fal.Scheduler }),
            disposed: Ticks(60));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
    }

    [Fact]
    public void ObserverThatThrows_ItsExceptionSurfacesOnTheScheduler_AndTheRequestIsCancelled()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        var errors = new List<Exception>();
        fal.Scheduler.Schedule(() => fal.Client.Submit(App, new { prompt = "x" })
            .Subscribe(s => throw new InvalidOperationException("bug in the UI"), errors.Add));

        var advance = () => fal.Scheduler.AdvanceBy(Ticks(1));

        advance.Should().Throw<InvalidOperationException>().WithMessage("bug in the UI");
        errors.Should().BeEmpty("an exception from OnNext is not a failure of the request");
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle();
        fal.Simulator.Requests.Single().State.Should().Be(FalSimulatedRequestState.Cancelled);
    }

    [Fact]
    public void StartTimeout_ExpiringInTheQueue_IsAUserTimeout()
    {
        using var fal = new SimulatedFal(workers: 1);
        fal.Simulator.MapApp(App, call => FalAppScript.Succeed(new { ok = true },
            call.Input.GetProperty("prompt").GetString() == "blocker" ? TimeSpan.FromSeconds(100) : TimeSpan.FromSeconds(1)));
        fal.Scheduler.ScheduleAbsolute(10, () => fal.Client.Submit(App, new { prompt = "blocker" }).Subscribe(_ => { }, _ => { }));

        var e = RunToError(fal, new FalSubmitOptions { StartTimeout = TimeSpan.FromSeconds(5) }).Should().BeOfType<FalHttpException>().Subject;

        e.StatusCode.Should().Be(504);
        e.IsUserTimeout.Should().BeTrue();
        e.RequestId.Should().Be(fal.Simulator.Requests.Single(r => r.Input.GetProperty("prompt").GetString() == "x").RequestId);
    }

    [Fact]
    public void WrongKey_401_IsAnHttpErrorWithoutTheKey()
    {
        using var fal = new SimulatedFal();
        var sim = new FalSimulator(fal.Scheduler, new FalSimulatorOptions { AcceptedKeys = ["another-key"] });
        sim.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        using var http = new HttpClient(sim.CreateHandler());
        using var client = new FalClient(http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler });

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(10));

        var e = observer.Messages.Single().Value.Exception.Should().BeOfType<FalHttpException>().Subject;
        e.StatusCode.Should().Be(401);
        e.RequestId.Should().BeNull();
        e.ToString().Should().NotContain(Key);
        sim.Requests.Should().BeEmpty();
    }

    [Fact]
    public void NoCredentials_FailsAtSubscribe_NamingTheVariables_AndSendsNothing()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        FalClient client;
        using (EnvironmentScope.Without(FalCredentials.KeyVariable, FalCredentials.KeyIdVariable, FalCredentials.KeySecretVariable))
        {
            client = new FalClient(fal.Http, new FalClientOptions { Scheduler = fal.Scheduler });
        }

        using (client)
        {
            var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(10));

            var e = observer.Messages.Single().Value.Exception.Should().BeOfType<MissingCredentialsException>().Subject;
            e.Message.Should().Contain("FAL_KEY").And.Contain("FAL_KEY_ID").And.Contain("FAL_KEY_SECRET");
            fal.Simulator.Calls.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("""{"status":"FAILED"}""", "unknown status 'FAILED'")]
    [InlineData("""{"status":"IN_QUEUE"}""", "no queue_position")]
    public void MalformedStatus_IsAProtocolError_WithRequestId_AndTheRequestIsCancelled(string body, string expected)
    {
        using var inner = new SimulatedFal();
        inner.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(10)));
        using var http = new HttpClient(new RewritingHandler(inner.Simulator.CreateHandler(), FalCallKindOf.Status, _ => body));
        using var client = new FalClient(http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = inner.Scheduler });

        var observer = inner.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var e = observer.Messages.Last().Value.Exception.Should().BeOfType<FalProtocolException>().Subject;
        e.RequestId.Should().Be(OnlyRequestId(inner));
        e.Message.Should().Contain(expected);
        e.ToString().Should().NotContain(Key);
        inner.CallsOf(FalCallKind.Cancel).Should().ContainSingle();
    }

    [Fact]
    public void ForeignStatusUrl_InTheSubmitAnswer_IsNeverCalled()
    {
        using var inner = new SimulatedFal();
        inner.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        var seen = new List<Uri>();
        using var http = new HttpClient(new RewritingHandler(inner.Simulator.CreateHandler(), FalCallKindOf.Submit,
            b => b.Replace("https://queue.fal.run/", "https://evil.example/", StringComparison.Ordinal), seen));
        using var client = new FalClient(http, new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = inner.Scheduler });

        var observer = inner.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages.Last().Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        seen.Should().OnlyContain(u => u.Host == "queue.fal.run");
    }

    [Fact]
    public void TransientStatusFailures_AreRetriedOnTheScheduler()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1))
            .WithFailures(FalCallKind.Status, count: 2, statusCode: 503));

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages.Last().Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        var statuses = fal.CallsOf(FalCallKind.Status);
        statuses.Take(2).Should().OnlyContain(c => c.StatusCode == 503);
        // Back-off 500 ms then 1 s, less up to 20 % of jitter, on the scheduler.
        (statuses[1].Time - statuses[0].Time).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400)).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(500));
        (statuses[2].Time - statuses[1].Time).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(800)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void BadArguments_ThrowAtTheCall()
    {
        using var fal = new SimulatedFal();

        FluentActions.Invoking(() => fal.Client.Submit("fast-sdxl", null)).Should().Throw<ArgumentException>().WithParameterName("appId");
        FluentActions.Invoking(() => fal.Client.Submit(App, null, new FalSubmitOptions { StartTimeout = TimeSpan.FromSeconds(1) }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*greater than 1 second*");
        FluentActions.Invoking(() => fal.Client.Submit(App, null, new FalSubmitOptions { Priority = (FalQueuePriority)7 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Priority*");
        var headers = new FalSubmitOptions();
        headers.Headers["authorization"] = "Key stolen";
        FluentActions.Invoking(() => fal.Client.Submit(App, null, headers)).Should().Throw<ArgumentException>().WithMessage("*Authorization*");
        fal.Simulator.Calls.Should().BeEmpty();
    }

    /// <summary>Which answers <see cref="RewritingHandler"/> rewrites.</summary>
    private enum FalCallKindOf
    {
        Submit,
        Status,
    }

    /// <summary>Wraps the real simulator and corrupts one kind of answer, to test what the protocol does not allow.</summary>
    private sealed class RewritingHandler(HttpMessageHandler inner, FalCallKindOf kind, Func<string, string> rewrite, List<Uri>? seen = null)
        : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen?.Add(request.RequestUri!);
            var response = await base.SendAsync(request, cancellationToken);
            var path = request.RequestUri!.AbsolutePath;
            var matches = kind switch
            {
                FalCallKindOf.Status => path.EndsWith("/status", StringComparison.Ordinal),
                _ => request.Method == HttpMethod.Post,
            };
            if (matches)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Content = new StringContent(rewrite(body), Encoding.UTF8, "application/json");
            }

            return response;
        }
    }
}
