using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// A hostile fal over real HTTP on 127.0.0.1 (Kestrel): it echoes the key, redirects elsewhere, and sends
/// endless bodies. What cannot be scripted in memory: reason phrases and redirects on the wire.
/// </summary>
public sealed class HostileServerTests : IAsyncLifetime
{
    private const string KeyId = "kid-5e1f2a7b";
    private const string KeySecret = "ksecret-9c3d4e5f60718293";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private WebApplication _app = null!;
    private int _evilHits;
    private int _cancels;
    private readonly TaskCompletionSource _statusAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Uri Base => new(_app.Urls.First() + "/");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        // Echoes the Authorization header in the reason phrase, the detail and the body.
        _app.MapPost("/echo/fal-ai/app", (HttpContext context) =>
        {
            var auth = context.Request.Headers.Authorization.ToString();
            context.Response.StatusCode = 401;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Bad " + auth;
            return context.Response.WriteAsJsonAsync(new { detail = $"key {auth} refused, secret {KeySecret}, id {KeyId}" });
        });
        // Echoes the key mangled: upper-cased in the reason phrase, base64 in the detail, and cut by the 2,000-character
        // truncation at the end of a long body.
        _app.MapPost("/mangle/fal-ai/app", (HttpContext context) =>
        {
            var auth = context.Request.Headers.Authorization.ToString();
            context.Response.StatusCode = 401;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Bad " + auth.ToUpperInvariant();
            var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:" + auth));
            // Padded so that the raw body's 2,000th character falls 10 characters into the secret.
            var detail = $"basic {encoded} refused; ";
            var padding = 1990 - "{\"detail\":\"".Length - detail.Length - " key ".Length;
            return context.Response.WriteAsJsonAsync(new { detail = detail + new string('.', padding) + " key " + KeySecret });
        });
        // Redirects the submit off the configured host ('localhost' is not '127.0.0.1'), where a foreign request id waits.
        _app.MapPost("/redirect/fal-ai/app", (HttpContext context) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = $"http://localhost:{context.Connection.LocalPort}/evil";
            return Task.CompletedTask;
        });
        _app.MapPost("/evil", () =>
        {
            Interlocked.Increment(ref _evilHits);
            return Results.Json(new { request_id = "11111111-2222-3333-4444-555555555555", queue_position = 0 });
        });
        // A queue whose status answer never ends.
        _app.MapPost("/endless/fal-ai/app", () => Results.Json(new { request_id = "aaaaaaaa-0000-0000-0000-000000000001", queue_position = 0 }));
        _app.MapGet("/endless/fal-ai/app/requests/{id}/status", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"status\":\"IN_QUEUE\",\"queue_position\":0,\"pad\":\"");
            var chunk = new byte[16 * 1024];
            Array.Fill(chunk, (byte)'x');
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }

            // Only the client closing the connection ends this answer.
            _statusAborted.TrySetResult();
        });
        _app.MapPut("/endless/fal-ai/app/requests/{id}/cancel", () =>
        {
            Interlocked.Increment(ref _cancels);
            return Results.Json(new { status = "CANCELLATION_REQUESTED" });
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private FalClientOptions Options(string prefix, FalCredentials credentials) => new()
    {
        Credentials = credentials,
        QueueUrl = new Uri(Base, prefix + "/"),
        RunUrl = new Uri(Base, prefix + "/"),
        RestUrl = new Uri(Base, prefix + "/"),
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxStatusBytes = 256 * 1024,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AServerEchoingTheKey_InReasonPhraseDetailAndBody_NeverPutsItIntoTheException(bool keyPair)
    {
        var credentials = keyPair ? FalCredentials.FromKeyPair(KeyId, KeySecret) : FalCredentials.FromKey(KeyId + ":" + KeySecret);
        using var fal = new FalClient(Options("echo", credentials));

        var error = await fal.Invoking(f => f.SubmitAsync("fal-ai/app", new { prompt = "x" })).Should().ThrowAsync<FalHttpException>();

        var e = error.Which;
        e.StatusCode.Should().Be(401);
        var texts = new[] { e.Message, e.Detail, e.ResponseBody, e.ToString() };
        texts.Should().OnlyContain(t => t == null || (!t.Contains(KeyId, StringComparison.Ordinal) && !t.Contains(KeySecret, StringComparison.Ordinal)));
        e.Message.Should().Contain("[redacted]", "the echo was there, and was redacted");
    }

    [Fact]
    public async Task AServerEchoingTheKeyUpperCasedBase64OrAcrossTheTruncation_NeverPutsAnyOfItIntoTheException()
    {
        using var fal = new FalClient(Options("mangle", FalCredentials.FromKey(KeyId + ":" + KeySecret)));

        var error = await fal.Invoking(f => f.SubmitAsync("fal-ai/app", new { prompt = "x" })).Should().ThrowAsync<FalHttpException>();

        var e = error.Which;
        // What the server sent: the header behind five bytes of its own, so the key sits at no 3-byte boundary.
        var echoed = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:Key " + KeyId + ":" + KeySecret));
        var pieces = Enumerable.Range(0, KeySecret.Length - 7).Select(i => KeySecret.Substring(i, 8)).ToList();
        foreach (var text in new[] { e.Message, e.Detail, e.ResponseBody, e.ToString() })
        {
            text.Should().NotBeNull();
            text.Should().NotContainEquivalentOf(KeySecret).And.NotContainEquivalentOf(KeyId);
            pieces.Should().NotContain(p => text!.Contains(p, StringComparison.OrdinalIgnoreCase), "a cut through the key leaves none of it behind");
            text.Should().NotContain(echoed[8..^8], "the base64 echo is redacted too");
        }

        e.Message.Should().Contain("[redacted]");
    }

    [Fact]
    public async Task ARedirectedSubmit_IsAnError_AndTheInputIsNeverPostedElsewhere()
    {
        using var fal = new FalClient(Options("redirect", FalCredentials.FromKey("abcd-1234-efgh")));

        var error = await fal.Invoking(f => f.SubmitAsync("fal-ai/app", new { prompt = "x" })).Should().ThrowAsync<FalHttpException>();

        error.Which.StatusCode.Should().Be(307);
        _evilHits.Should().Be(0);
    }

    [Fact]
    public async Task AUserHttpClientThatFollowsARedirectOffTheHosts_IsAFalProtocolException()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        using var fal = new FalClient(http, Options("redirect", FalCredentials.FromKey("abcd-1234-efgh")));

        var error = await fal.Invoking(f => f.SubmitAsync("fal-ai/app", new { prompt = "x" })).Should().ThrowAsync<FalProtocolException>();

        error.Which.Message.Should().Contain("a redirect was followed");
        _evilHits.Should().Be(1, "the caller's HttpClient followed it; its answer (a foreign request id) was refused");
    }

    [Fact]
    public async Task AnEndlessStatusAnswerOnTheWire_EndsTheRequestWithFalProtocolException_AndCancelsIt()
    {
        var fal = new FalClient(Options("endless", FalCredentials.FromKey("abcd-1234-efgh")));

        var run = () => fal.Submit("fal-ai/app", new { prompt = "x" }).Timeout(s_bound).ToTask();

        var error = await run.Should().ThrowAsync<FalProtocolException>();
        error.Which.RequestId.Should().Be("aaaaaaaa-0000-0000-0000-000000000001");
        // The cancel follows the error on the run's exit path; disposal waits for it.
        await fal.DisposeAsync();
        _cancels.Should().Be(1);
        // The client stopped reading and dropped the connection: nothing else ends the endless answer.
        await _statusAborted.Task.WaitAsync(s_bound);
    }
}
