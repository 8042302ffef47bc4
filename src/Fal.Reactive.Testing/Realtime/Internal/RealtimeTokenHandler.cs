using System.Net.Http.Headers;

namespace Fal.Reactive.Testing.Internal;

/// <summary>Answers <c>POST {rest}/tokens/</c> for a <see cref="FalRealtimeSimulator"/>, synchronously; anything else is 404.</summary>
internal sealed class RealtimeTokenHandler(FalRealtimeSimulator simulator) : HttpMessageHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var tokens = new Uri(simulator.RestUrl, "tokens/");
        if (request.Method != HttpMethod.Post || request.RequestUri is null
            || request.RequestUri.GetLeftPart(UriPartial.Path).TrimEnd('/') != tokens.AbsoluteUri.TrimEnd('/'))
        {
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { RequestMessage = request });
        }

        // ByteArrayContent (what the client sends) reads synchronously.
        var body = request.Content?.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult() ?? [];
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.FirstOrDefault() : null;
        var (status, answer) = simulator.AnswerTokenRequest(authorization, body);
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { RequestMessage = request, Content = new ByteArrayContent(answer) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Task.FromResult(response);
    }
}
