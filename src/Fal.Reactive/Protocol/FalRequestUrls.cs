namespace Fal.Reactive;

/// <summary>Where a request's status, result and cancel live.</summary>
internal sealed class FalRequestUrls
{
    // Built once per request (the first time a poll needs one) rather than once per poll.
    private Uri? _statusWithLogs;
    private Uri? _statusWithoutLogs;

    public FalRequestUrls(Uri status, Uri response, Uri cancel)
    {
        Status = status;
        Response = response;
        Cancel = cancel;
    }

    /// <summary>The status URL (<c>…/requests/{id}/status</c>).</summary>
    public Uri Status { get; }

    /// <summary>The result URL (<c>…/requests/{id}</c>).</summary>
    public Uri Response { get; }

    /// <summary>The cancel URL (<c>…/requests/{id}/cancel</c>).</summary>
    public Uri Cancel { get; }

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
        withLogs ? _statusWithLogs ??= AppendQuery(Status, "logs=1") : _statusWithoutLogs ??= AppendQuery(Status, "logs=0");

    /// <summary>The server-sent status stream of the request, with the logs flag.</summary>
    public Uri StatusStreamQuery(bool withLogs) =>
        new(new Uri(Status.GetLeftPart(UriPartial.Path) + "/stream"), withLogs ? "?logs=1" : "?logs=0");


    private static Uri AppendQuery(Uri url, string query) =>
        new(url.AbsoluteUri + (string.IsNullOrEmpty(url.Query) ? "?" : "&") + query);
}
