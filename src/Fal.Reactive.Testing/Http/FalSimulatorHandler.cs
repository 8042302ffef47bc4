using System.Net;
using System.Net.Http.Headers;

namespace Fal.Reactive.Testing;

/// <summary>Puts a <see cref="FalSimulator"/> behind an <see cref="HttpClient"/>: translates messages, nothing else.</summary>
internal sealed class FalSimulatorHandler(FalSimulator simulator) : HttpMessageHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = simulator.SendAsync(ToSimulator(request, ReadBody(request.Content, cancellationToken)), cancellationToken);
        return ToHttp(request, answer.GetAwaiter().GetResult());
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body;
        try
        {
            // Read synchronously when the content allows it, so that a zero-latency call completes synchronously.
            body = ReadBody(request.Content, cancellationToken);
        }
        catch (NotSupportedException)
        {
            return SendSlowlyAsync(request, cancellationToken);
        }

        return Answer(request, simulator.SendAsync(ToSimulator(request, body), cancellationToken), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendSlowlyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ToHttp(request, await simulator.SendAsync(ToSimulator(request, body), cancellationToken).ConfigureAwait(false));
    }

    private static Task<HttpResponseMessage> Answer(HttpRequestMessage request, Task<SimulatorHttpResponse> answer, CancellationToken cancellationToken)
    {
        if (answer.IsCompletedSuccessfully)
        {
            try
            {
                return Task.FromResult(ToHttp(request, answer.Result));
            }
            catch (HttpRequestException dropped)
            {
                return Task.FromException<HttpResponseMessage>(dropped);
            }
        }

        return AwaitAnswer(request, answer, cancellationToken);
    }

    // A caller that gives up (its token fires) stops waiting at once, as with a real socket; the simulator
    // has still received the call.
    private static async Task<HttpResponseMessage> AwaitAnswer(HttpRequestMessage request, Task<SimulatorHttpResponse> answer, CancellationToken cancellationToken) =>
        ToHttp(request, await answer.WaitAsync(cancellationToken).ConfigureAwait(false));

    private static byte[] ReadBody(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return [];
        }

        using var stream = content.ReadAsStream(cancellationToken);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static SimulatorHttpRequest ToSimulator(HttpRequestMessage request, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var contentHeaders = request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var header in request.Headers.Concat(contentHeaders))
        {
            headers[header.Key] = string.Join(',', header.Value);
        }

        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        return new SimulatorHttpRequest(request.Method.Method.ToUpperInvariant(), url, headers, body);
    }

    private static HttpResponseMessage ToHttp(HttpRequestMessage request, SimulatorHttpResponse answer)
    {
        if (answer.DropConnection)
        {
            throw new HttpRequestException(
                HttpRequestError.ResponseEnded,
                "The simulator dropped the connection (a scripted fault).",
                new IOException("The response ended prematurely."));
        }

        HttpContent content = answer.Events is { } events ? new StreamContent(events) : new ByteArrayContent(answer.Body.ToArray());
        if (answer.ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode) { Content = content, RequestMessage = request };
        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
