using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Fal.Reactive.Bench;

/// <summary>
/// A fal queue reduced to canned answers, completed synchronously, so the benchmark measures the client and
/// not a server: submit answers IN_QUEUE, each request's first <see cref="PollsBeforeDone"/> status calls
/// answer IN_PROGRESS, the next COMPLETED, and the result a small output.
/// </summary>
internal sealed class CannedFalHandler : HttpMessageHandler
{
    public const int PollsBeforeDone = 5;
    private static readonly byte[] s_output = """{"images":[{"url":"https://v3.fal.media/files/a.png","width":1024,"height":1024}],"seed":42}"""u8.ToArray();
    private readonly ConcurrentDictionary<string, int> _polls = new();
    private long _next;

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Post)
        {
            var id = "req-" + Interlocked.Increment(ref _next);
            var baseUrl = $"https://queue.fal.run/fal-ai/fast-sdxl/requests/{id}";
            return Json(HttpStatusCode.OK, $$$"""{"status":"IN_QUEUE","request_id":"{{{id}}}","response_url":"{{{baseUrl}}}","status_url":"{{{baseUrl}}}/status","cancel_url":"{{{baseUrl}}}/cancel","queue_position":0}""");
        }

        if (path.EndsWith("/status", StringComparison.Ordinal))
        {
            var id = path.Split('/')[^2];
            var n = _polls.AddOrUpdate(id, 1, (_, v) => v + 1);
            return n <= PollsBeforeDone
                ? Json(HttpStatusCode.Accepted, $$"""{"status":"IN_PROGRESS","request_id":"{{id}}","logs":null}""")
                : Json(HttpStatusCode.OK, $$$"""{"status":"COMPLETED","request_id":"{{{id}}}","logs":null,"metrics":{"inference_time":1.5}}""");
        }

        _polls.TryRemove(path.Split('/')[^1], out _);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(s_output) };
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));

    private static HttpResponseMessage Json(HttpStatusCode code, string body) =>
        new(code) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
}
