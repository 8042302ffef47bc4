using System.Net;
using System.Text;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>An in-memory key set endpoint: serves the JWKS of the keys it holds, counts fetches, and can fail or hang.</summary>
internal sealed class JwksServer : HttpMessageHandler
{
    public static readonly Uri Url = new("https://keys.test/.well-known/jwks.json");

    public List<FalWebhookSigningKey> Keys { get; } = [];

    /// <summary>When set, answered instead of the key set.</summary>
    public Func<HttpResponseMessage>? Answer { get; set; }

    /// <summary>When true, a fetch waits until it is cancelled (its timeout).</summary>
    public bool Hang { get; set; }

    public int Fetches { get; private set; }

    public List<HttpRequestMessage> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Fetches++;
        Requests.Add(request);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Answer?.Invoke() ?? new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(FalWebhookSigningKey.ToJwks(Keys), Encoding.UTF8, "application/json"),
        };
    }
}
