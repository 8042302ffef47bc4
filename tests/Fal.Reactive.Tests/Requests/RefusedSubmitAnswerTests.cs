using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Requests;

/// <summary>
/// A submit answer refused once its request id is known (in the body or in <c>x-fal-request-id</c>) names a request
/// fal enqueued and bills: it is cancelled on the server, and the typed error carries the id.
/// </summary>
public class RefusedSubmitAnswerTests
{
    private const string Id = "req-9";

    public static TheoryData<string, string, bool> Answers => new()
    {
        { "a negative queue position", """{"request_id":"req-9","queue_position":-1}""", false },
        { "no request_id, the id in the header", """{"queue_position":0}""", true },
        { "truncated JSON", """{"request_id":"req-9","queue_posi""", true },
        { "an answer over the bound", """{"request_id":"req-9","pad":" """ + new string('x', 4096) + "\"}", true },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task SubmitAsync_AnswerRefusedOnceItsIdIsKnown_CancelsTheRequest_AndTheErrorCarriesTheId(string what, string body, bool idInHeader)
    {
        var (fal, handler) = Client(body, idInHeader);
        await using var _ = fal;

        var submit = () => fal.SubmitAsync("fal-ai/app", input: null);

        var error = (await submit.Should().ThrowAsync<FalProtocolException>(what)).Which;
        error.RequestId.Should().Be(Id);
        error.Message.Should().Contain("cancelled on the server");
        handler.Requests.Should().ContainSingle(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith($"/requests/{Id}/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_AnswerWithTheIdOnlyInTheHeader_CancelsTheRequest_AndEndsWithTheId()
    {
        var (fal, handler) = Client("""{"queue_position":0}""", idInHeader: true);
        await using var _ = fal;

        var statuses = () => fal.Submit("fal-ai/app", input: null).ToTask();

        (await statuses.Should().ThrowAsync<FalProtocolException>()).Which.RequestId.Should().Be(Id);
        handler.Requests.Should().Contain(r => r.Method == HttpMethod.Put);
    }

    private static (FalClient Client, ScriptedHandler Handler) Client(string body, bool idInHeader)
    {
        var handler = new ScriptedHandler((request, _) =>
        {
            var response = request.Method == HttpMethod.Post
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("""{"status":"CANCELLATION_REQUESTED"}""", Encoding.UTF8, "application/json") };
            if (idInHeader)
            {
                response.Headers.TryAddWithoutValidation("x-fal-request-id", Id);
            }

            return Task.FromResult(response);
        });
        var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("kid:secret"),
            MaxStatusBytes = 1024,
            DisposeTimeout = TimeSpan.FromSeconds(1),
        });
        return (client, handler);
    }
}
