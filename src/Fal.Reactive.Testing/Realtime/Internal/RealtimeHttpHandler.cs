using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Fal.Reactive.Testing;

/// <summary>
/// The realtime simulator behind an <see cref="HttpMessageHandler"/>, synchronously: <c>POST {rest}/tokens/</c>, and the
/// WebSocket opening handshake (<c>GET {run}/{app}/{path}</c> with <c>Sec-WebSocket-Key</c>), answered with 101 and
/// an in-memory connection that a <see cref="ClientWebSocket"/> connected through this handler speaks WebSocket over.
/// Anything else is 404.
/// </summary>
internal sealed class RealtimeHttpHandler(FalRealtimeSimulator simulator) : HttpMessageHandler
{
    // RFC 6455 4.2.2: the accept value is SHA-1 of the key and this GUID.
    private const string HandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!;
        if (request.Method == HttpMethod.Post && url.GetLeftPart(UriPartial.Path).TrimEnd('/') == new Uri(simulator.RestUrl, "tokens").AbsoluteUri)
        {
            // ByteArrayContent (what the client sends) reads synchronously.
            var body = request.Content?.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult() ?? [];
            var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.FirstOrDefault() : null;
            var (status, answer) = simulator.AnswerTokenRequest(authorization, body);
            return Task.FromResult(Json(request, (HttpStatusCode)status, answer));
        }

        if (request.Method == HttpMethod.Get && request.Headers.TryGetValues("Sec-WebSocket-Key", out var keys) && simulator.IsRealtimeApp(url))
        {
            var authorization = request.Headers.TryGetValues("Authorization", out var auth) ? auth.FirstOrDefault() : null;
            if (simulator.RefusesHandshake(url, authorization))
            {
                return Task.FromResult(Json(request, HttpStatusCode.Unauthorized, Encoding.UTF8.GetBytes("{\"detail\":\"Invalid or expired token\"}")));
            }

            return Task.FromResult(Upgrade(request, url, keys.First(), authorization));
        }

        return Task.FromResult(Json(request, HttpStatusCode.NotFound, """{"detail":"Not found"}"""u8.ToArray()));
    }

    private HttpResponseMessage Upgrade(HttpRequestMessage request, Uri url, string key, string? authorization)
    {
        var (client, server) = InMemoryDuplexStream.CreatePair();
        var socket = WebSocket.CreateFromStream(server, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        var response = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols) { RequestMessage = request, Content = new UpgradedContent(client) };
        response.Headers.Connection.Add("Upgrade");
        response.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
#pragma warning disable CA5350 // RFC 6455 prescribes SHA-1 for the handshake; it protects nothing.
        response.Headers.Add("Sec-WebSocket-Accept", Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + HandshakeGuid))));
#pragma warning restore CA5350
        // Served from the first frame on; the task ends with the connection.
        _ = simulator.ServeAsync(url, socket, authorization);
        return response;
    }

    private static HttpResponseMessage Json(HttpRequestMessage request, HttpStatusCode status, byte[] body)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    /// <summary>The connection after a 101: the stream itself, writable (a <c>StreamContent</c> would wrap it read-only).</summary>
    private sealed class UpgradedContent(Stream connection) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => connection;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(connection);
    }
}
