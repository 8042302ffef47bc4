using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Emulator;

/// <summary>
/// The emulator left running: key-scoped requests over real HTTP, the address it really bound, the warning when it
/// is not loopback, and the retention flags. The banner and flag parsing are internal (the emulator cannot expose
/// its internals to this assembly without clashing with its test <c>Program</c>), so they are reached by reflection.
/// </summary>
public class EmulatorHardeningTests
{
    private static readonly Assembly s_emulator = typeof(FalEmulator).Assembly;

    private static HttpRequestMessage Keyed(HttpMethod method, string url, string key, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Key", key);
        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Key mallory")]
    public async Task ABodyAnnouncedButNotSent_WithoutAnAcceptedKey_IsRefusedBeforeItIsRead(string? authorization)
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Keys = ["alice"] });
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(emulator.QueueUrl.Host, emulator.QueueUrl.Port);
        var stream = tcp.GetStream();
        // 100 MiB announced, one byte sent: an emulator that read the body first would wait here for the rest.
        var head = "POST /emulator/echo HTTP/1.1\r\nHost: " + emulator.QueueUrl.Authority + "\r\nContent-Type: application/json\r\n"
            + (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n")
            + "Content-Length: 104857600\r\n\r\n{";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));

        var buffer = new byte[512];
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var read = await stream.ReadAsync(buffer, bound.Token);

        System.Text.Encoding.ASCII.GetString(buffer, 0, read).Should().StartWith("HTTP/1.1 401", "the key is checked on the headers, before the body");
    }

    [Fact]
    public async Task WithKeys_AnotherKeyGets404ForTheRequest_TheOwnerItsResult()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Keys = ["alice", "bob"] });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var submit = await http.SendAsync(Keyed(HttpMethod.Post, new Uri(emulator.QueueUrl, "emulator/slow").AbsoluteUri, "alice", new { run_seconds = 30 }));
        var submitted = await submit.Content.ReadFromJsonAsync<JsonElement>();
        var url = submitted.GetProperty("response_url").GetString()!;

        using var status = await http.SendAsync(Keyed(HttpMethod.Get, url + "/status", "bob"));
        using var result = await http.SendAsync(Keyed(HttpMethod.Get, url, "bob"));
        using var cancel = await http.SendAsync(Keyed(HttpMethod.Put, url + "/cancel", "bob"));
        using var owned = await http.SendAsync(Keyed(HttpMethod.Put, url + "/cancel", "alice"));

        new[] { status.StatusCode, result.StatusCode, cancel.StatusCode }.Should().AllBeEquivalentTo(HttpStatusCode.NotFound);
        owned.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task WithKeys_TheEmulatorsListsNeedAKey_HealthStaysOpen()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Keys = ["alice"] });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        foreach (var list in new[] { "requests", "calls", "webhooks" })
        {
            using var anonymous = await http.GetAsync(new Uri(emulator.BaseUrl, "_emulator/" + list));
            using var wrong = await http.SendAsync(Keyed(HttpMethod.Get, new Uri(emulator.BaseUrl, "_emulator/" + list).AbsoluteUri, "mallory"));
            using var keyed = await http.SendAsync(Keyed(HttpMethod.Get, new Uri(emulator.BaseUrl, "_emulator/" + list).AbsoluteUri, "alice"));
            (anonymous.StatusCode, wrong.StatusCode, keyed.StatusCode).Should().Be((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK), list);
        }

        using var health = await http.GetAsync(new Uri(emulator.BaseUrl, "_emulator/health"));
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RetentionOption_ReachesTheSimulator_FinishedRequestsBeyondItAnswer404()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Retention = new() { MaxFinishedRequests = 1 } });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var urls = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var run = await http.SendAsync(Keyed(HttpMethod.Post, new Uri(emulator.RunUrl, "emulator/echo").AbsoluteUri, "any", new { i }));
            run.EnsureSuccessStatusCode();
            using var submit = await http.SendAsync(Keyed(HttpMethod.Post, new Uri(emulator.QueueUrl, "emulator/echo").AbsoluteUri, "any", new { i, run_seconds = 0 }));
            urls.Add((await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("response_url").GetString()!);
            await WaitFinishedAsync(emulator, urls[^1]);
        }

        using var first = await http.SendAsync(Keyed(HttpMethod.Get, urls[0], "any"));
        using var last = await http.SendAsync(Keyed(HttpMethod.Get, urls[1], "any"));

        first.StatusCode.Should().Be(HttpStatusCode.NotFound);
        last.StatusCode.Should().Be(HttpStatusCode.OK);
        emulator.Simulator.Requests.Should().ContainSingle();
        var health = await http.GetFromJsonAsync<JsonElement>(new Uri(emulator.BaseUrl, "_emulator/health"));
        health.GetProperty("held").GetProperty("requests").GetInt32().Should().Be(1);
    }

    private static async Task WaitFinishedAsync(FalEmulator emulator, string responseUrl)
    {
        var id = responseUrl[(responseUrl.LastIndexOf('/') + 1)..];
        await Eventually.Until(() => emulator.Simulator.Requests.Any(r => r.RequestId == id && r.CompletedAt is not null), $"request {id} to finish (echo runs take milliseconds)");
    }

    [Fact]
    public async Task PortZero_ListenUrlsCarryThePortActuallyBound()
    {
        await using var emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0 });

        var bound = emulator.ListenUrls.Should().ContainSingle().Subject;
        bound.Port.Should().BeGreaterThan(0);
        bound.Host.Should().Be("127.0.0.1");
        emulator.BaseUrl.Port.Should().Be(bound.Port);
    }

    [Fact]
    public async Task Banner_PrintsTheBoundAddressAndNoWarningOnLoopback()
    {
        var options = new FalEmulatorOptions { Urls = "http://127.0.0.1:0" };
        await using var emulator = await FalEmulator.StartAsync(options);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Internal("Banner", "Write").Invoke(null, [emulator, options, output, error]);

        output.ToString().Should().Contain($"listening on http://127.0.0.1:{emulator.BaseUrl.Port};").And.NotContain(":0;");
        error.ToString().Should().BeEmpty();
    }

    [Theory]
    [InlineData("http://0.0.0.0:8765", true)]
    [InlineData("http://192.168.1.20:8765", true)]
    [InlineData("http://[::]:8765", true)]
    [InlineData("http://127.0.0.1:8765", false)]
    [InlineData("http://[::1]:8765", false)]
    [InlineData("http://localhost:8765", false)]
    public void NonLoopbackAddress_WarnsOnStderr(string address, bool warns)
    {
        using var error = new StringWriter();

        Internal("Banner", "WarnIfExposed").Invoke(null, [new[] { new Uri(address) }, true, error]);

        if (warns)
        {
            error.ToString().Should().StartWith("warning: ").And.Contain("not loopback").And.Contain("--keys");
        }
        else
        {
            error.ToString().Should().BeEmpty();
        }
    }

    [Fact]
    public void RetentionFlags_SetTheRetentionOptions()
    {
        var options = ParseFlags("--max-requests", "5", "--max-calls", "6", "--max-files", "7", "--max-file-mb", "8", "--retention-minutes", "9");

        options.Should().NotBeNull();
        var retention = options!.Retention;
        (retention.MaxFinishedRequests, retention.MaxCalls, retention.MaxFiles).Should().Be((5, 6, 7));
        retention.MaxFileBytes.Should().Be(8L * 1024 * 1024);
        retention.MaxAge.Should().Be(TimeSpan.FromMinutes(9));
    }

    [Theory]
    [InlineData("--max-requests", "-1")]
    [InlineData("--max-file-mb", "lots")]
    [InlineData("--retention-minutes")]
    public void BadRetentionFlag_IsRefused(params string[] args) => ParseFlags(args).Should().BeNull();

    [Fact]
    public void NoFlags_GiveTheDefaultRetention()
    {
        var retention = ParseFlags()!.Retention;

        retention.Should().BeEquivalentTo(new FalSimulatorRetention());
    }

    private static FalEmulatorOptions? ParseFlags(params string[] args)
    {
        object?[] arguments = [args, null, null];
        return (FalEmulatorOptions?)Internal("CommandLine", "Parse").Invoke(null, arguments);
    }

    private static MethodInfo Internal(string type, string method) =>
        s_emulator.GetType("Fal.Reactive.Emulator.Hosting." + type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
}
