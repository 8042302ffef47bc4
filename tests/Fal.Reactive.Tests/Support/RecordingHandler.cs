using System.Net;
using System.Text;

namespace Fal.Reactive.Tests.Support;

/// <summary>Answers every call with one JSON body and records what each call carried (its URL, headers and body).</summary>
internal sealed class RecordingHandler(string json = """{"ok":true}""") : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(
            request.RequestUri!,
            request.Headers.TryGetValues("x-fal-target-url", out var target) ? target.Single() : null,
            request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : null,
            body));
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    internal sealed record RecordedRequest(Uri Url, string? TargetUrl, string? Authorization, string? Body);
}
