using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// Servers on 127.0.0.1 that accept and never answer (plain TCP, and a TLS handshake that never starts): every
/// call still ends, within its bound, with a typed error. Real sockets: a stalled handshake and a blocked
/// synchronous call cannot be shown in virtual time. Each test is bounded by <see cref="s_bound"/>.
/// </summary>
public sealed class UnansweredCallTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task SubmitAsync_ToAServerThatNeverAnswers_FailsWithAnAmbiguousTimeout(string scheme)
    {
        using var server = new SilentTcpServer();
        await using var fal = Client(server.Url(scheme));

        var submit = fal.SubmitAsync("fal-ai/app", input: null);
        var error = await FluentActions.Awaiting(() => submit.WaitAsync(s_bound)).Should().ThrowAsync<FalTimeoutException>();

        error.Which.Timeout.Should().Be(TimeSpan.FromSeconds(1));
        error.Which.Message.Should().Contain("may have been enqueued").And.Contain("cannot be cancelled").And.Contain("SubmitTimeout");
        error.Which.RequestId.Should().BeNull();
        server.Connections.Should().Be(1, "an ambiguous submit is never sent again");
    }

    [Fact]
    public async Task Submit_ToAServerThatNeverAnswers_EndsTheSequenceWithAnAmbiguousTimeout()
    {
        using var server = new SilentTcpServer();
        await using var fal = Client(server.Url());

        var statuses = fal.Submit("fal-ai/app", input: null).ToTask();

        await FluentActions.Awaiting(() => statuses.WaitAsync(s_bound)).Should().ThrowAsync<FalTimeoutException>()
            .WithMessage("*may have been enqueued*");
    }

    [Theory]
    [InlineData("Status")]
    [InlineData("Get")]
    [InlineData("Cancel")]
    public async Task ABlockingCall_ThatNeverAnswers_FailsAfterTheAttemptTimeout(string call)
    {
        using var server = new SilentTcpServer();
        await using var fal = Client(server.Url());
        var handle = fal.GetHandle("fal-ai/app", "req-1");
        Action blocking = call switch
        {
            "Status" => () => handle.Status(),
            "Get" => () => handle.Get(),
            _ => () => handle.Cancel(),
        };

        var error = await FluentActions.Awaiting(() => Task.Run(blocking).WaitAsync(s_bound)).Should().ThrowAsync<FalException>();
        error.Which.RequestId.Should().Be("req-1");
        error.Which.InnerException.Should().BeOfType<TimeoutException>().Which.Message.Should().Contain("AttemptTimeout");
    }

    private static FalClient Client(Uri url) =>
        new(new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("kid:secret"),
            QueueUrl = url,
            DisposeTimeout = TimeSpan.FromSeconds(1),
            Retry = new FalRetryOptions
            {
                MaxRetries = 0,
                SubmitTimeout = TimeSpan.FromSeconds(1),
                AttemptTimeout = TimeSpan.FromSeconds(1),
            },
        });
}
