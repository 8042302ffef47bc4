using System.Net;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Protocol;

/// <summary>A result nested deeper than System.Text.Json's default 64 levels is read (up to 256), and past that named as too deep, with its id.</summary>
public class DeepResultTests : ReactiveTest
{
    private static (SimulatedFal Fal, FalClient Client, ScriptedHandler Handler) Create(int depth)
    {
        var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(1)));
        var deep = new string('[', depth) + new string(']', depth);
        var handler = new ScriptedHandler((request, _) =>
            request.Method == HttpMethod.Get && !request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{{\"images\":{deep}}}", Encoding.UTF8, "application/json") })
                : null)
        {
            InnerHandler = fal.Simulator.CreateHandler(),
        };
        var client = new FalClient(new HttpClient(handler), new FalClientOptions { Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval });
        return (fal, client, handler);
    }

    [Fact]
    public void AResult100LevelsDeep_IsRead_AndTheRequestCompletes()
    {
        var (fal, client, _) = Create(depth: 100);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var completed = observer.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value).OfType<Completed>().Should().ContainSingle().Which;
        completed.Result!.Value.GetProperty("images").ValueKind.Should().Be(JsonValueKind.Array);
        completed.GetResult<JsonElement>().GetProperty("images").GetArrayLength().Should().Be(1, "the reflection-based mapping reads as deep as the result was read");
    }

    [Fact]
    public void AResultDeeperThan256Levels_FailsSayingSo_WithTheRequestId_AndNoCancel()
    {
        var (fal, client, _) = Create(depth: 300);
        using var _fal = fal;
        using var _client = client;

        var observer = fal.Scheduler.Start(() => client.Submit(App, new { prompt = "x" }), disposed: Ticks(60));

        var id = fal.Simulator.Requests.Single().RequestId;
        var e = observer.Messages[^1].Value.Exception.Should().BeOfType<FalProtocolException>().Which;
        e.RequestId.Should().Be(id);
        e.Message.Should().Contain("deeper than 256 levels").And.Contain(id).And.NotContain("not JSON");
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty("the request completed on fal: there is nothing to cancel");
    }

    [Fact]
    public void AResultThatIsNotJson_IsStillSaidToBeNotJson()
    {
        FluentActions.Invoking(() => FalWire.ParseResult(Encoding.UTF8.GetBytes(new string('[', 300)), "req-1"))
            .Should().Throw<FalProtocolException>().WithMessage("*not JSON*");
    }
}
