using System.Text;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>Signed deliveries made for the tests, and a verifier on a <see cref="TestScheduler"/> set to a realistic date.</summary>
internal sealed class WebhookVectors : IDisposable
{
    public const string RequestId = "c3f9a1de-2d2b-4c83-9c1d-7b0a2f6e1a11";
    public const string UserId = "user-7";
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 18, 0, 0, TimeSpan.Zero);

    public WebhookVectors()
    {
        Scheduler.AdvanceTo(Now.UtcTicks);
        Server.Keys.Add(Key);
        Http = new HttpClient(Server);
    }

    public static byte[] Body { get; } = Encoding.UTF8.GetBytes(
        $$"""{"request_id":"{{RequestId}}","gateway_request_id":"{{RequestId}}","status":"OK","payload":{"images":[{"url":"https://v3.fal.media/files/a.png"}],"seed":42},"error":null}""");

    public TestScheduler Scheduler { get; } = new();

    public FalWebhookSigningKey Key { get; } = FalWebhookSigningKey.FromSeed(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), "key-1");

    public JwksServer Server { get; } = new();

    public HttpClient Http { get; }

    public FalWebhookVerifier Verifier(Action<FalWebhookVerifierOptions>? configure = null)
    {
        var options = new FalWebhookVerifierOptions { JwksUrl = JwksServer.Url, Scheduler = Scheduler };
        configure?.Invoke(options);
        return new FalWebhookVerifier(Http, options);
    }

    /// <summary>Headers of <paramref name="body"/> signed by <paramref name="key"/> (the test key by default) at <paramref name="time"/> (now by default).</summary>
    public FalWebhookHeaders Sign(byte[]? body = null, FalWebhookSigningKey? key = null, DateTimeOffset? time = null, string userId = UserId)
    {
        var headers = (key ?? Key).Sign(RequestId, userId, time ?? Scheduler.Now, body ?? Body);
        return FalWebhookHeaders.From(name => headers.TryGetValue(name, out var value) ? value : null);
    }

    public void Dispose() => Http.Dispose();
}
