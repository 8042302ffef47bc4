namespace Fal.Reactive;

/// <summary>Where a request's status, result and cancel live.</summary>
internal sealed class FalRequestUrls
{
    // Held as their absolute text (what the host check read): a request in flight keeps parsed only the URL it calls
    // on every poll (the status with its logs flag), not the result, status and cancel URLs it needs once or never.
    private readonly string _status;
    private readonly string _response;
    private readonly string _cancel;
    private Uri? _statusWithLogs;
    private Uri? _statusWithoutLogs;

    public FalRequestUrls(Uri status, Uri response, Uri cancel)
    {
        _status = status.AbsoluteUri;
        _response = response.AbsoluteUri;
        _cancel = cancel.AbsoluteUri;
    }

    /// <summary>The status URL (<c>…/requests/{id}/status</c>).</summary>
    public Uri Status => new(_status);

    /// <summary>The result URL (<c>…/requests/{id}</c>), parsed when the result is fetched (once per request).</summary>
    public Uri Response => new(_response);

    /// <summary>The cancel URL (<c>…/requests/{id}/cancel</c>).</summary>
    public Uri Cancel => new(_cancel);

    /// <summary>The URLs fal documents for a request: the queue host, owner/alias only.</summary>
    public static FalRequestUrls Compute(Uri queueUrl, FalAppId app, string requestId)
    {
        var response = new Uri(queueUrl, $"{app.BasePath}/requests/{Uri.EscapeDataString(requestId)}");
        return new FalRequestUrls(
            new Uri(response + "/status"),
            response,
            new Uri(response + "/cancel"));
    }

    /// <summary>
    /// Prefers the URLs a submit answer returned (fal asks clients not to build them), but only those on
    /// the configured queue host: the key is never sent anywhere else.
    /// </summary>
    public static FalRequestUrls Choose(Uri queueUrl, FalAppId app, string requestId, Uri? status, Uri? response, Uri? cancel)
    {
        if (IsUnder(status, queueUrl) && IsUnder(response, queueUrl) && IsUnder(cancel, queueUrl))
        {
            // fal's answer, all on the queue host: the usual case, nothing to build.
            return new(status!, response!, cancel!);
        }

        var computed = Compute(queueUrl, app, requestId);
        return new(
            IsUnder(status, queueUrl) ? status! : computed.Status,
            IsUnder(response, queueUrl) ? response! : computed.Response,
            IsUnder(cancel, queueUrl) ? cancel! : computed.Cancel);
    }

    /// <summary>
    /// Whether <paramref name="url"/> lies under <paramref name="baseUrl"/> (which ends with '/'): same scheme,
    /// host and port, and a path below the base's. Uri canonicalizes both (lower-case host, default port
    /// omitted), so a prefix test of the absolute forms is exact, and cheap: Uri caches them.
    /// </summary>
    public static bool IsUnder(Uri? url, Uri baseUrl) =>
        url is { IsAbsoluteUri: true } && url.AbsoluteUri.StartsWith(baseUrl.AbsoluteUri, StringComparison.Ordinal);

    /// <summary>The status URL with the logs flag.</summary>
    public Uri StatusQuery(bool withLogs) =>
        withLogs ? _statusWithLogs ??= AppendQuery(_status, "logs=1") : _statusWithoutLogs ??= AppendQuery(_status, "logs=0");

    /// <summary>The server-sent status stream of the request, with the logs flag.</summary>
    public Uri StatusStreamQuery(bool withLogs) =>
        new(new Uri(Status.GetLeftPart(UriPartial.Path) + "/stream"), withLogs ? "?logs=1" : "?logs=0");


    private static Uri AppendQuery(string url, string query) =>
        new(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
}
