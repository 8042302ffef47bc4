using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Integration;

/// <summary>
/// Direct runs, streams and proxy mode over real HTTP against the emulator on 127.0.0.1. Every wait is
/// bounded; behaviour is asserted, never timing.
/// </summary>
public sealed class RunStreamAndProxyOverHttpTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly FalClient _fal = new(fixture.Emulator.CreateClientOptions());

    public void Dispose() => _fal.Dispose();

    [Fact]
    public async Task RunAsync_ReturnsTheIdTheEmulatorGaveTheRun()
    {
        var result = await _fal.RunAsync("emulator/echo", new { tag = "with-id" }).WaitAsync(s_bound);

        result.Result.GetProperty("tag").GetString().Should().Be("with-id");
        fixture.Emulator.Simulator.Requests.Should().Contain(r => r.RequestId == result.RequestId && r.Kind == Fal.Reactive.Testing.FalSimulatedRequestKind.Run);
    }

    [Fact]
    public async Task Run_Timeout_AbandonsTheRun_WhichTheEmulatorCancels()
    {
        // Long enough for the POST to reach the emulator on a loaded machine, far shorter than the 30 s run.
        var timeout = TimeSpan.FromSeconds(2);
        var act = () => _fal.RunAsync("emulator/slow", new { run_seconds = 30, tag = "abandoned" }, new FalRunOptions { Timeout = timeout }).WaitAsync(s_bound);

        (await act.Should().ThrowAsync<FalTimeoutException>()).Which.Timeout.Should().Be(timeout);
        bool Abandoned(Fal.Reactive.Testing.FalSimulatedRequest r) => r.Input.TryGetProperty("tag", out var t) && t.GetString() == "abandoned";
        await Eventually.Until(() => fixture.Emulator.Simulator.Requests.Any(Abandoned), "the abandoned run to reach the emulator", s_bound);
        var request = fixture.Emulator.Simulator.Requests.Single(Abandoned);
        await Eventually.Until(() => fixture.Emulator.Simulator.Requests.Single(r => r.RequestId == request.RequestId).State == Fal.Reactive.Testing.FalSimulatedRequestState.Cancelled, "the emulator to cancel the abandoned run", s_bound);
    }

    [Fact]
    public void Run_Synchronous_OverHttp_ReturnsTheOutput()
    {
        var output = _fal.Run("emulator/echo", new { sync = true });

        output.Result.GetProperty("sync").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task StreamAsync_AnyLlm_YieldsPartialsThenTheFinal_AllWithTheRequestId()
    {
        using var bound = new CancellationTokenSource(s_bound);
        var events = new List<FalStreamEvent>();
        await foreach (var e in _fal.StreamAsync("fal-ai/any-llm", new { prompt = "a short story" }, cancellationToken: bound.Token))
        {
            events.Add(e);
        }

        events.Should().HaveCountGreaterThan(2);
        events.Select(e => e.RequestId).Distinct().Should().ContainSingle().Which.Should().NotBeNullOrEmpty();
        events[..^1].Should().OnlyContain(e => e.IsPartial);
        events[^1].IsPartial.Should().BeFalse();
    }

    [Fact]
    public async Task ProxyMode_WithoutAKey_SubmitRunAndStreamGoThroughAProxyThatAddsIt()
    {
        await using var proxy = await KeyAddingProxy.StartAsync(fixture.Emulator.BaseUrl);
        // fal's real hosts (the defaults): only the proxy knows where the emulator is, and only it has a key.
        using var fal = new FalClient(new FalClientOptions { ProxyUrl = proxy.Url, PollInterval = TimeSpan.FromMilliseconds(20) });

        var statuses = await fal.Submit("emulator/echo", new { via = "proxy" }).Timeout(s_bound).ToList().ToTask();
        var run = await fal.RunAsync("emulator/echo", new { via = "proxy-run" }).WaitAsync(s_bound);
        var streamed = await fal.Stream("fal-ai/any-llm", new { prompt = "through the proxy" }).Timeout(s_bound).ToList().ToTask();

        statuses[^1].Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("via").GetString().Should().Be("proxy");
        run.Result.GetProperty("via").GetString().Should().Be("proxy-run");
        streamed[^1].Data.GetProperty("output").GetString().Should().Contain("through the proxy");
        proxy.Targets.Should().Contain("https://queue.fal.run/emulator/echo").And.Contain("https://fal.run/emulator/echo").And.Contain("https://fal.run/fal-ai/any-llm/stream");
        proxy.Targets.Should().Contain(t => t.StartsWith("https://queue.fal.run/emulator/echo/requests/", StringComparison.Ordinal));
        proxy.KeysReceived.Should().Be(0, "the client holds no key");
    }

    [Fact]
    public async Task ProxyMode_WithoutAKey_UploadsAskTheProxyForWhereToSend_ThenSendTheBytesThere()
    {
        await using var proxy = await KeyAddingProxy.StartAsync(fixture.Emulator.BaseUrl);
        using var fal = new FalClient(new FalClientOptions { ProxyUrl = proxy.Url });

        var url = await fal.Storage.UploadAsync(FalUploadContent.FromBytes("through the proxy"u8.ToArray(), "text/plain", "p.txt")).WaitAsync(s_bound);

        // The CDN the token names is the emulator, not fal.media nor the REST host: the token is not sent there, and the
        // upload falls back to a signed URL the proxy fetched with its key.
        proxy.Targets.Should().Contain("https://rest.fal.ai/storage/auth/token?storage_type=fal-cdn-v3")
            .And.Contain("https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3");
        proxy.KeysReceived.Should().Be(0, "the client holds no key");
        using var http = new HttpClient();
        (await http.GetStringAsync(url).WaitAsync(s_bound)).Should().Be("through the proxy");
    }

    [Fact]
    public async Task ProxyMode_AgainstTheEmulatorsOwnProxyPath_WithAKey_Works()
    {
        var options = new FalClientOptions
        {
            ProxyUrl = new Uri(fixture.Emulator.BaseUrl, "_proxy"),
            Credentials = FalCredentials.FromKey(FalEmulatorClientExtensions.DefaultKey),
        };
        using var fal = new FalClient(options);

        var output = await fal.SubscribeAsync("emulator/echo", new { via = "emulator-proxy" }).WaitAsync(s_bound);

        output.GetProperty("via").GetString().Should().Be("emulator-proxy");
    }

    [Fact]
    public async Task CreateTemporaryTokenAsync_TheEmulatorIssuesATokenForTheAppsAliases()
    {
        var token = await _fal.CreateTemporaryTokenAsync(["fal-ai/fast-lcm-diffusion", "fal-ai/any-llm"], TimeSpan.FromMinutes(2)).WaitAsync(s_bound);

        var issued = fixture.Emulator.Realtime.IssuedTokens.Should().ContainSingle(t => t.Token == token).Subject;
        issued.AllowedApps.Should().BeEquivalentTo("fast-lcm-diffusion", "any-llm");
        (issued.ExpiresAt - issued.IssuedAt).Should().Be(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task CreateTemporaryTokenAsync_WithAKeyTheEmulatorRefuses_Is401()
    {
        await using var guarded = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Keys = ["right-key"] });
        using var client = new FalClient(guarded.CreateClientOptions(FalCredentials.FromKey("wrong-key")));

        var act = () => client.CreateTemporaryTokenAsync(["fal-ai/any-llm"]).WaitAsync(s_bound);

        (await act.Should().ThrowAsync<FalHttpException>()).Which.StatusCode.Should().Be(401);
    }

    /// <summary>
    /// A server-side proxy as fal's <c>@fal-ai/server-proxy</c> is: it refuses a call without
    /// <c>x-fal-target-url</c>, adds the key, forwards the call (here to the emulator) and streams the answer back.
    /// </summary>
    private sealed class KeyAddingProxy : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _forward = new() { Timeout = Timeout.InfiniteTimeSpan };
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _targets = new();
        private int _keysReceived;

        private KeyAddingProxy(Uri emulator)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.Map("/api/fal/proxy", async (HttpContext context) =>
            {
                if (context.Request.Headers["x-fal-target-url"] is not [{ Length: > 0 } target])
                {
                    context.Response.StatusCode = 400;
                    return;
                }

                _targets.Enqueue(target);
                if (context.Request.Headers.Authorization.Count > 0)
                {
                    Interlocked.Increment(ref _keysReceived);
                }

                using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(emulator, "_proxy"));
                forward.Headers.TryAddWithoutValidation("x-fal-target-url", target);
                forward.Headers.TryAddWithoutValidation("Authorization", "Key " + FalEmulatorClientExtensions.DefaultKey);
                forward.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToString());
                if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    var body = new MemoryStream();
                    await context.Request.Body.CopyToAsync(body);
                    forward.Content = new ByteArrayContent(body.ToArray());
                    forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
                }

                using var answer = await _forward.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
                context.Response.StatusCode = (int)answer.StatusCode;
                context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
                foreach (var (name, values) in answer.Headers)
                {
                    if (name.StartsWith("x-fal-", StringComparison.OrdinalIgnoreCase))
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }

                await using var stream = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
                var buffer = new byte[4096];
                int read;
                while ((read = await stream.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            });
        }

        public Uri Url => new(new Uri(_app.Urls.First()), "/api/fal/proxy");

        public IReadOnlyCollection<string> Targets => _targets;

        public int KeysReceived => Volatile.Read(ref _keysReceived);

        public static async Task<KeyAddingProxy> StartAsync(Uri emulator)
        {
            var proxy = new KeyAddingProxy(emulator);
            await proxy._app.StartAsync();
            return proxy;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            _forward.Dispose();
        }
    }
}
