using System.Globalization;
using System.Net.Http.Headers;

namespace Fal.Reactive;

/// <summary>How a call is built (the key only to the configured hosts) and where its answer must come from.</summary>
internal sealed partial class FalTransport
{
    /// <summary>The request of one attempt of <paramref name="call"/>: its own build step's, or one to fal with the key.</summary>
    private HttpRequestMessage CreateRequest<T>(FalCall<T> call) =>
        call.Build is { } build ? build(call.State) : CreateRequest(call.Method!, call.Url!, call.Body, call.Headers);

    /// <summary>A request with the key, JSON accept and body, and the caller's headers.</summary>
    public HttpRequestMessage CreateRequest(HttpMethod method, Uri url, byte[]? body, FalCallHeaders? headers)
    {
        var credentials = EnsureCredentials();
        // The key goes only to the hosts the user configured; URLs from answers are checked before use.
        if (!IsConfiguredHost(url))
        {
            throw new InvalidOperationException($"Refusing to send the fal key to {url.GetLeftPart(UriPartial.Authority)}, which is not a configured fal host.");
        }

        // Proxy mode (as the JS client's proxyUrl): every call goes to the proxy, which reads fal's URL from
        // x-fal-target-url and adds the key itself.
        var request = Options.ProxyUrl is { } proxy ? new HttpRequestMessage(method, proxy) : new HttpRequestMessage(method, url);
        if (Options.ProxyUrl is not null)
        {
            request.Headers.TryAddWithoutValidation(TargetUrlHeader, url.AbsoluteUri);
        }

        // Unvalidated adds store the strings as they are: no header parsing on the per-poll path.
        if (credentials is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", credentials.AuthorizationHeaderValue);
        }

        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (headers is { } call)
        {
            AddCallHeaders(request, call);
        }

        return request;
    }

    /// <summary>
    /// The caller's headers, then the typed options over them: a typed <c>Hint</c>, <c>Priority</c>,
    /// <c>StartTimeout</c> or lifecycle replaces the same header given in <c>Headers</c>, so it is sent once,
    /// as fal_client's typed arguments win over its <c>headers</c>.
    /// </summary>
    private static void AddCallHeaders(HttpRequestMessage request, FalCallHeaders call)
    {
        foreach (var (name, value) in call.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (call.Priority is { } priority)
        {
            Replace(request, "X-Fal-Queue-Priority", priority == FalQueuePriority.Low ? "low" : "normal");
        }

        if (call.StorageLifecycle?.HeaderValue is { } lifecycle)
        {
            Replace(request, "X-Fal-Object-Lifecycle-Preference", lifecycle);
        }

        if (call.Hint is { } hint)
        {
            Replace(request, "X-Fal-Runner-Hint", hint);
        }

        if (call.StartTimeout is { } timeout)
        {
            Replace(request, "X-Fal-Request-Timeout", timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        }
    }

    private static void Replace(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    /// <summary>
    /// An answer must come from where the call was sent (a configured fal host, the proxy, or the storage URL
    /// the upload was told to use): the client's own HttpClient follows no redirect, but a caller's may have,
    /// and a foreign host's answer (its request id, its URLs) is not fal's.
    /// </summary>
    private static void EnsureNotRedirected(HttpResponseMessage response, Uri? sentTo, string operation, string? requestId)
    {
        // The same Uri object when nothing redirected (the common case: no strings built per call).
        if (response.RequestMessage?.RequestUri is { } url && sentTo is not null && !ReferenceEquals(url, sentTo)
            && !string.Equals(url.GetLeftPart(UriPartial.Authority), sentTo.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            var what = requestId is null ? $"The {operation} answer" : $"Request {requestId}: the {operation} answer";
            throw new FalProtocolException($"{what} came from {url.GetLeftPart(UriPartial.Authority)}, not {sentTo.GetLeftPart(UriPartial.Authority)} where it was sent (a redirect was followed).")
            {
                RequestId = requestId,
            };
        }
    }

    private bool IsConfiguredHost(Uri url) =>
        FalRequestUrls.IsUnder(url, Options.QueueUrl) || FalRequestUrls.IsUnder(url, Options.RunUrl) || FalRequestUrls.IsUnder(url, Options.RestUrl)
        || FalRequestUrls.IsUnder(url, Options.ApiUrl);
}
