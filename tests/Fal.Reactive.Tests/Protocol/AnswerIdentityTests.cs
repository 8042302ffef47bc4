using System.Net;
using System.Text;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Protocol;

/// <summary>An answer about another request, or an id that would leave <c>requests/</c>, is a protocol error.</summary>
public class AnswerIdentityTests : ReactiveTest
{
    private static (SimulatedFal Fal, FalClient Client, ScriptedHandler Handler) Create(Func<HttpRequestMessage, Task<HttpResponseMessage>?> answer)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        var handler = new ScriptedHandler((request, _) => answer(request)) { InnerHandler = fal.Simulator.CreateHandler() };
        var client = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval });
        return (fal, client, handler);
    }

    private static Task<HttpResponseMessage> Json(string json, string? requestIdHeader = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (requestIdHeader is not null)
        {
            response.Headers.Add("x-fal-request-id", requestIdHeader);
        }

        return Task.FromResult(response);
    }

    [Fact]
    public void AStatusAnswerAboutAnotherRequest_IsAFalProtocolException_AndTheRequestIsCancelled()
    {
        var (fal, client, _) = Create(r => r.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)
            ? Json("{\"status\":\"IN_QUEUE\",\"queue_position\":0,\"request_id\":\"someone-elses\"}")
            : null);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var id = fal.Simulator.Requests.Single().RequestId;
        observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>()
            .Which.Should().Match<FalProtocolException>(e => e.RequestId == id && e.Message.Contains("someone-elses"));
        fal.CallsOf(FalCallKind.Cancel).Should().ContainSingle().Which.RequestId.Should().Be(id);
    }

    [Fact]
    public void AStatusAnswerMarkedWithAnotherRequestIdHeader_IsAFalProtocolException()
    {
        var (fal, client, _) = Create(r => r.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)
            ? Json("{\"status\":\"IN_QUEUE\",\"queue_position\":0}", requestIdHeader: "someone-elses")
            : null);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>().Which.Message.Should().Contain("another request");
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../../other-app/requests/x")]
    [InlineData("")]
    public void ASubmitAnswerWithAnUnsafeRequestId_IsAFalProtocolException_AndNoKeyedCallFollows(string requestId)
    {
        var (fal, client, handler) = Create(r => r.Method == HttpMethod.Post ? Json($"{{\"request_id\":\"{requestId}\",\"queue_position\":0}}") : null);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalProtocolException>();
        handler.Requests.Should().ContainSingle("only the submit was sent");
    }

    public static TheoryData<string, string?> SubmitAnswersNamingTheKey => new()
    {
        { $"{{\"request_id\":\"{Key}\",\"queue_position\":0}}", null },
        { $"{{\"request_id\":\"req-{Key}-1\",\"queue_position\":0}}", null },
        { $"{{\"request_id\":\"{Key}\",\"queue_position\":-1}}", null },
        { "{\"queue_position\":0}", Key },
        { "{\"request_id\":", Key },
    };

    [Theory]
    [MemberData(nameof(SubmitAnswersNamingTheKey))]
    public void ASubmitAnswerWhoseRequestIdHoldsTheKey_IsAFalProtocolException_WithTheKeyRedacted_AndNoCallNamesIt(string body, string? requestIdHeader)
    {
        var (fal, client, handler) = Create(r => r.Method == HttpMethod.Post ? Json(body, requestIdHeader) : null);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var e = observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<FalProtocolException>().Which;
        e.RequestId.Should().BeNull("an id holding the key is no id to report");
        e.ToString().Should().NotContainEquivalentOf(Key);
        handler.Requests.Should().ContainSingle("only the submit was sent: no status, no cancel carries the key in its URL");
    }

    [Fact]
    public async Task AnErrorAnswerMarkedWithTheKeyAsItsRequestId_IsAFalHttpException_WithoutThatId()
    {
        var (fal, client, _) = Create(r =>
        {
            if (r.Method != HttpMethod.Post)
            {
                return null;
            }

            var response = new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { Content = new StringContent("{\"detail\":\"bad\"}", Encoding.UTF8, "application/json") };
            response.Headers.Add("x-fal-request-id", Key);
            return Task.FromResult(response);
        });
        using var _fal = fal;
        using var _client = client;

        var e = (await client.Invoking(c => c.SubmitAsync(App, new { prompt = "x" })).Should().ThrowAsync<FalHttpException>()).Which;

        e.RequestId.Should().BeNull();
        e.ToString().Should().NotContainEquivalentOf(Key);
    }
}
