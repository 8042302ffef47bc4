using System.Reactive.Linq;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Realtime.RealtimeHarness;

namespace Fal.Reactive.Tests.Realtime;

/// <summary>The realtime connection against the realtime simulator, in virtual time.</summary>
public class FalRealtimeConnectionTests : ReactiveTest
{
    [Fact]
    public void Send_ResultsComeBackWithTheirRequestIds_AfterTheAppsProcessingTime()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        rt.At(1, () => connection.Send(Prompt("a cat"), "req-1"));
        rt.At(2, () => connection.Send(Prompt("a dog"), "req-2"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Select(m => (m.Time, m.Value.Value.RequestId, PromptOf(m.Value.Value))).Should().Equal(
            (Ticks(1) + ProcessingTime.Ticks, "req-1", "a cat"),
            (Ticks(2) + ProcessingTime.Ticks, "req-2", "a dog"));
        var socket = rt.Simulator.Connections.Should().ContainSingle().Subject;
        socket.Inputs.Select(i => i.GetProperty("request_id").GetString()).Should().Equal("req-1", "req-2");
        socket.TextInputCount.Should().Be(0, "msgpack (binary) is the default");
    }

    [Fact]
    public void FirstSubscription_FetchesATokenForTheAlias_AndPutsOnlyTheTokenInTheUrl()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { MaxBuffering = 2 });

        rt.Simulator.Connections.Should().BeEmpty("the connection is cold");
        rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(1));

        var token = rt.Simulator.IssuedTokens.Should().ContainSingle().Subject;
        token.AllowedApps.Should().Equal("echo");
        (token.ExpiresAt - token.IssuedAt).Should().Be(TimeSpan.FromSeconds(120));
        var url = rt.Simulator.Connections.Should().ContainSingle().Subject.Url;
        url.GetLeftPart(UriPartial.Path).Should().Be("wss://fal.run/fal-ai/echo/realtime");
        url.Query.Should().Be("?fal_jwt_token=" + Uri.EscapeDataString(token.Token) + "&max_buffering=2");
        url.AbsoluteUri.Should().NotContain(Key);
    }

    [Fact]
    public void InputsSentWithoutASubscriber_AreDropped_AndOpenNothing()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);

        connection.OnNext(Prompt("nobody listens"));
        rt.Scheduler.AdvanceBy(Ticks(5));

        rt.Simulator.Connections.Should().BeEmpty();
        rt.Simulator.IssuedTokens.Should().BeEmpty();
    }

    [Fact]
    public void TwoSubscribers_ShareOneConnection_AndTheLastDisposalClosesItNormally()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        var first = rt.Scheduler.CreateObserver<FalRealtimeResult<JsonElement>>();
        var second = rt.Scheduler.CreateObserver<FalRealtimeResult<JsonElement>>();
        IDisposable? a = null, b = null;
        rt.At(1, () => a = connection.Subscribe(first));
        rt.At(2, () => b = connection.Subscribe(second));
        rt.At(3, () => connection.Send(Prompt("shared"), "r"));
        rt.At(4, () => a!.Dispose());
        rt.At(5, () => b!.Dispose());

        rt.Scheduler.AdvanceTo(Ticks(4.5));
        var socket = rt.Simulator.Connections.Should().ContainSingle().Subject;
        socket.IsOpen.Should().BeTrue("one subscriber is left");
        rt.Scheduler.AdvanceTo(Ticks(6));

        first.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
        second.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
        socket.IsOpen.Should().BeFalse();
        socket.ClosedByClient.Should().BeTrue();
        socket.CloseStatus.Should().Be(1000);
        rt.Simulator.Connections.Should().HaveCount(1);
    }

    [Fact]
    public void ResubscribingAfterTheLastDisposal_OpensANewConnection()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);

        rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(1));
        connection.Subscribe(_ => { }).Dispose();

        rt.Simulator.Connections.Should().HaveCount(2).And.OnlyContain(c => !c.IsOpen && c.ClosedByClient);
    }

    [Fact]
    public void Token_IsRefreshedAt90PercentOfItsLife_WithoutDroppingTheConnection()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        rt.At(200, () => connection.Send(Prompt("after the first token expired"), "late"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(250));

        rt.Simulator.IssuedTokens.Select(t => t.IssuedAt.UtcTicks).Should().Equal(200, 200 + Ticks(108), 200 + Ticks(216));
        rt.Simulator.Connections.Should().ContainSingle("a refresh keeps the open connection");
        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("late");
    }

    [Fact]
    public void FailedRefresh_IsRetriedAt5PercentOfTheLifetime_Quietly()
    {
        using var rt = new RealtimeHarness();
        var calls = new List<long>();
        var options = new FalRealtimeOptions
        {
            TokenExpiration = TimeSpan.FromSeconds(100),
            TokenProvider = (scope, _) =>
            {
                calls.Add(rt.Scheduler.Clock);
                return calls.Count == 2
                    ? Task.FromException<string>(new HttpRequestException("backend blip"))
                    : Task.FromResult(rt.Simulator.IssueToken([scope], TimeSpan.FromSeconds(100)).Token);
            },
        };
        using var connection = rt.Client.Realtime(Echo, options);

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(100));

        calls.Should().Equal(200, 200 + Ticks(90), 200 + Ticks(95));
        observer.Messages.Should().BeEmpty("a failed refresh is no error while the token still works");
        rt.Simulator.Connections.Should().ContainSingle().Which.IsOpen.Should().BeFalse("disposed at the end");
    }

    [Fact]
    public void DroppedConnection_ReopensAfterTheBackOff_WithTheRefreshedToken_AndSendsWhatWasQueued()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        rt.At(130, () => rt.Simulator.DropConnections());
        rt.At(130.5, () => connection.Send(Prompt("during the outage"), "queued"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(140));

        var connections = rt.Simulator.Connections;
        connections.Should().HaveCount(2);
        connections[0].CloseStatus.Should().Be(1006);
        connections[1].OpenedAt.UtcTicks.Should().Be(Ticks(131), "the first retry waits 1 s");
        connections[1].Token.Should().Be(rt.Simulator.IssuedTokens[1].Token, "the refreshed token");
        connections[1].Refused.Should().BeFalse();
        observer.Messages.Should().ContainSingle().Which.Should().Match<Recorded<System.Reactive.Notification<FalRealtimeResult<JsonElement>>>>(
            m => m.Time == Ticks(131) + ProcessingTime.Ticks && m.Value.Value.RequestId == "queued");
    }

    [Fact]
    public void DropsBeyondTheRetryBudget_EndWithConnectionClosed_NamingTheApp()
    {
        using var rt = new RealtimeHarness();
        var options = new FalRealtimeOptions { Reconnect = new FalRetryOptions { MaxRetries = 2, Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) } };
        using var connection = rt.Client.Realtime(Echo, options);
        rt.At(10, () => rt.Simulator.DropConnections());
        rt.At(12, () => rt.Simulator.DropConnections());
        rt.At(20, () => rt.Simulator.DropConnections());

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(60));

        rt.Simulator.Connections.Select(c => c.OpenedAt.UtcTicks).Should().Equal(200, Ticks(11), Ticks(14));
        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeConnectionClosedException>().Subject;
        observer.Messages[0].Time.Should().Be(Ticks(20));
        error.AppId.Should().Be(Echo);
        error.CloseStatus.Should().Be(1006);
    }

    [Fact]
    public void ExpiredToken_OnReconnect_IsRefusedOnce_ThenReplacedWithAFreshOne()
    {
        var custom = 0;
        using var rt = new RealtimeHarness();
        var options = new FalRealtimeOptions
        {
            // A backend-issued token with no declared lifetime: no refresh, so only the Unauthorized frame says it expired.
            TokenProvider = (scope, _) =>
            {
                custom++;
                return Task.FromResult(rt.Simulator.IssueToken([scope], TimeSpan.FromSeconds(30)).Token);
            },
        };
        using var connection = rt.Client.Realtime(Echo, options);
        rt.At(60, () => rt.Simulator.DropConnections());
        rt.At(62, () => connection.Send(Prompt("after re-auth"), "r"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(70));

        custom.Should().Be(2);
        rt.Simulator.IssuedTokens.Select(t => t.AllowedApps.Single()).Should().AllBe("fal-ai/echo/realtime", "the provider gets the scope");
        var connections = rt.Simulator.Connections;
        connections.Select(c => c.Refused).Should().Equal(false, true, false);
        connections[2].OpenedAt.Should().Be(connections[1].OpenedAt, "re-authorizing waits for nothing");
        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
    }

    [Fact]
    public void TokenRefusedRightAfterItsFetch_EndsWithUnauthorized()
    {
        using var rt = new RealtimeHarness();
        var options = new FalRealtimeOptions { TokenProvider = (_, _) => Task.FromResult("not-a-token-the-app-knows") };
        using var connection = rt.Client.Realtime(Echo, options);

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        rt.Simulator.Connections.Should().HaveCount(2).And.OnlyContain(c => c.Refused);
        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeUnauthorizedException>().Subject;
        error.AppId.Should().Be(Echo);
    }

    [Fact]
    public void TokenRefusedAtTheHandshake_IsReplacedOnce_LikeTheUnauthorizedFrame()
    {
        using var rt = new RealtimeHarness(new FalRealtimeSimulatorOptions { RefuseTokensAtHandshake = true });
        using var connection = rt.Client.Realtime(Echo);
        rt.At(60, () =>
        {
            rt.Simulator.ExpireTokens();
            rt.Simulator.DropConnections();
        });
        rt.At(62, () => connection.Send(Prompt("after re-auth"), "r"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(70));

        rt.Simulator.IssuedTokens.Should().HaveCount(2, "the refused token was replaced at once");
        rt.Simulator.IssuedTokens[1].IssuedAt.UtcTicks.Should().Be(Ticks(61), "after the 1 s back-off of the drop");
        rt.Simulator.Connections.Should().HaveCount(2).And.OnlyContain(c => !c.Refused, "no connection opened with the refused token");
        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
    }

    [Fact]
    public void TokenFetchAnswered401_EndsWithUnauthorized_WithoutConnecting()
    {
        using var rt = new RealtimeHarness(clientOptions: new FalClientOptions { Credentials = FalCredentials.FromKey("some-other-key") });
        using var connection = rt.Client.Realtime(Echo);

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeUnauthorizedException>().Subject;
        error.AppId.Should().Be(Echo);
        error.InnerException.Should().BeOfType<FalHttpException>().Which.StatusCode.Should().Be(401);
        error.ToString().Should().NotContain("some-other-key");
        rt.Simulator.Connections.Should().BeEmpty();
    }

    [Fact]
    public void AppError_EndsWithFalRealtimeException_CarryingInternalErrorAndTheReason_AndNoReconnection()
    {
        // fal's realtime template: an exception in the app sends {"type":"x-fal-error","error":"INTERNAL_ERROR",
        // "reason":str(exc)} as JSON text and closes normally. The Rx sequence ends there; fal-js reports it to
        // onError and opens a new connection on the next send, which Retry() does here.
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime("fal-ai/broken");
        rt.At(1, () => connection.Send(Prompt("boom"), "req-9"));
        rt.At(2, () => connection.Send(Prompt("after"), "req-10"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeException>().Subject;
        error.AppId.Should().Be("fal-ai/broken");
        error.Error.Should().Be("INTERNAL_ERROR");
        error.Reason.Should().Be("the model crashed on boom");
        error.Message.Should().Contain("fal-ai/broken");
        var socket = rt.Simulator.Connections.Should().ContainSingle("an ended sequence does not reconnect").Subject;
        socket.EndedWithError.Should().Be("INTERNAL_ERROR");
        socket.CloseStatus.Should().Be(1000, "fal's template closes normally after the error frame");
    }

    [Fact]
    public void Retry_AfterAnErrorFrame_OpensAFreshConnection()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime("fal-ai/broken");
        rt.At(1, () => connection.Send(Prompt("boom"), "first"));
        rt.At(2, () => connection.Send(Prompt("boom"), "second"));

        var observer = rt.Scheduler.Start(() => connection.Retry(2), created: 100, subscribed: 200, disposed: Ticks(10));

        rt.Simulator.Connections.Should().HaveCount(2).And.OnlyContain(c => !c.IsOpen);
        rt.Simulator.Connections[1].Inputs.Single().GetProperty("request_id").GetString().Should().Be("second");
        var error = observer.Messages.Should().ContainSingle("two subscriptions in all").Subject;
        error.Time.Should().Be(Ticks(2) + ProcessingTime.Ticks);
        error.Value.Exception.Should().BeOfType<FalRealtimeException>().Which.Error.Should().Be("INTERNAL_ERROR");
    }

    [Fact]
    public void MetaMessages_AndTheIdleTimeoutNotice_AreSkipped()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        rt.At(1, () => rt.Simulator.Connections[0].SendJson(new Dictionary<string, string> { ["type"] = "x-fal-message", ["message"] = "warming up" }));
        rt.At(2, () => rt.Simulator.Connections[0].SendJson(new Dictionary<string, string> { ["type"] = "x-fal-error", ["error"] = "TIMEOUT", ["reason"] = "idle" }));
        rt.At(3, () => connection.Send(Prompt("still here"), "r"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
    }

    [Fact]
    public void IdleCloseByTheApp_IsNoError_AndTheNextInputReopens()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo);
        rt.At(2, () => rt.Simulator.Connections[0].Close(1000, "idle"));
        rt.At(30, () => connection.Send(Prompt("wake up"), "r"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(40));

        rt.Simulator.Connections.Select(c => c.OpenedAt.UtcTicks).Should().Equal(200, Ticks(30));
        observer.Messages.Should().ContainSingle().Which.Value.Value.RequestId.Should().Be("r");
    }

    [Fact]
    public void MaxBuffering_TheAppKeepsOnlyTheNewestWaitingInputs()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { MaxBuffering = 1 });
        rt.At(1, () =>
        {
            foreach (var id in new[] { "1", "2", "3", "4" })
            {
                connection.Send(Prompt(id), id);
            }
        });

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Select(m => m.Value.Value.RequestId).Should().Equal("1", "4");
        rt.Simulator.Connections[0].DroppedCount.Should().Be(2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public void MaxBufferingOutOfRange_ThrowsAtTheCall(int maxBuffering)
    {
        using var rt = new RealtimeHarness();

        var act = () => rt.Client.Realtime(Echo, new FalRealtimeOptions { MaxBuffering = maxBuffering });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*between 1 and 60*");
    }

    [Fact]
    public void TypedConnection_SerializesSnakeCase_AndReadsTypedOutputs()
    {
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime<EchoInput, EchoInput>(Echo);
        rt.At(1, () => connection.OnNext(new EchoInput("typed", 7)));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        rt.Simulator.Connections[0].Inputs.Single().GetRawText().Should().Be("""{"prompt":"typed","num_steps":7}""");
        observer.Messages.Should().ContainSingle().Which.Value.Value.Should().Be(new FalRealtimeResult<EchoInput>(null, new EchoInput("typed", 7)));
    }

    [Fact]
    public void DisposingTheConnection_CompletesSubscribers_AndClosesTheSocket()
    {
        using var rt = new RealtimeHarness();
        var connection = rt.Client.Realtime(Echo);
        rt.At(1, connection.Dispose);

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().Equal(OnCompleted<FalRealtimeResult<JsonElement>>(Ticks(1)));
        rt.Simulator.Connections.Should().ContainSingle().Which.ClosedByClient.Should().BeTrue();
    }

    [Fact]
    public void NoKeyAnywhere_EndsWithMissingCredentials_AtSubscription_NotAtTheCall()
    {
        var rt = new RealtimeHarness();
        FalClient client;
        using (EnvironmentScope.Without(FalCredentials.KeyVariable, FalCredentials.KeyIdVariable, FalCredentials.KeySecretVariable))
        {
            client = new FalClient(new HttpClient(rt.Simulator.CreateHandler()), new FalClientOptions { RunUrl = rt.Simulator.RunUrl, RestUrl = rt.Simulator.RestUrl, Scheduler = rt.Scheduler }, disposeHttpClient: true);
        }

        using (client)
        {
            using var connection = client.Realtime(Echo);

            var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(1));

            observer.Messages.Should().ContainSingle().Which.Value.Exception.Should().BeOfType<MissingCredentialsException>();
            rt.Simulator.Connections.Should().BeEmpty();
        }
    }

    [Fact]
    public void FailingTokenProvider_EndsWithFalRealtimeException_NamingTheApp()
    {
        using var rt = new RealtimeHarness();
        var options = new FalRealtimeOptions { TokenProvider = (_, _) => Task.FromException<string>(new HttpRequestException("backend down")) };
        using var connection = rt.Client.Realtime(Echo, options);

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(1));

        var error = observer.Messages.Should().ContainSingle().Subject.Value.Exception.Should().BeOfType<FalRealtimeException>().Subject;
        error.AppId.Should().Be(Echo);
        error.InnerException.Should().BeOfType<HttpRequestException>();
    }

    [Fact]
    public void JsonFormat_SendsJsonInBinaryFrames_ToAnAppWithFalsJsonCodec()
    {
        // fal's template reads binary frames only (receive_bytes); an app with a JSON codec (fal's e2e /realtime/json) reads JSON bytes.
        using var rt = new RealtimeHarness();
        using var connection = rt.Client.Realtime(Echo, new FalRealtimeOptions { Format = FalRealtimeFormat.Json, Path = "/realtime/json" });
        rt.At(1, () => connection.Send(Prompt("as json"), "j"));

        var observer = rt.Scheduler.Start(() => connection, created: 100, subscribed: 200, disposed: Ticks(10));

        observer.Messages.Should().ContainSingle().Which.Value.Value.Should().Match<FalRealtimeResult<JsonElement>>(r => r.RequestId == "j" && PromptOf(r) == "as json");
        rt.Simulator.Connections[0].TextInputCount.Should().Be(0);
        rt.Simulator.Connections[0].Url.AbsolutePath.Should().EndWith("/fal-ai/echo/realtime/json");
    }

    public sealed record EchoInput(string Prompt, int NumSteps);
}
