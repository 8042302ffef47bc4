namespace Fal.Reactive;

/// <summary>Where a request's status, result and cancel live.</summary>
/// <param name="Status">The status URL (<c>…/requests/{id}/status</c>).</param>
/// <param name="Response">The result URL (<c>…/requests/{id}</c>).</param>
/// <param name="Cancel">The cancel URL (<c>…/requests/{id}/cancel</c>).</param>
internal sealed record FalRequestUrls(Uri Status, Uri Response, Uri Cancel)
{
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
    public static FalRequestUrls Choose(FalRequestUrls computed, Uri queueUrl, Uri? status, Uri? response, Uri? cancel) =>
        new(
            IsUnder(status, queueUrl) ? status! : computed.Status,
            IsUnder(response, queueUrl) ? response! : computed.Response,
            IsUnder(cancel, queueUrl) ? cancel! : computed.Cancel);

    /// <summary>
    /// Whether <paramref name="url"/> lies under <paramref name="baseUrl"/> (which ends with '/'): same scheme,
    /// host and port, and a path below the base's. Uri canonicalizes both (lower-case host, default port
    /// omitted), so a prefix test of the absolute forms is exact, and cheap: Uri caches them.
    /// </summary>
    public static bool IsUnder(Uri? url, Uri baseUrl) =>
        url is { IsAbsoluteUri: true } && url.AbsoluteUri.StartsWith(baseUrl.AbsoluteUri, StringComparison.Ordinal);

    /// <summary>The status URL with the logs flag, built once per request rather than once per poll.</summary>
    public Uri StatusQuery(bool withLogs) =>
        withLogs
            ? _statusWithLogs ??= AppendQuery(Status, "logs=1")
            : _statusWithoutLogs ??= AppendQuery(Status, "logs=0");

    /// <summary>The server-sent status stream of the request, with the logs flag.</summary>
    public Uri StatusStreamQuery(bool withLogs) =>
        new(new Uri(Status.GetLeftPart(UriPartial.Path) + "/stream"), withLogs ? "?logs=1" : "?logs=0");

    private Uri? _statusWithLogs;
    private Uri? _statusWithoutLogs;

    private static Uri AppendQuery(Uri url, string query) =>
        new(url.AbsoluteUri + (string.IsNullOrEmpty(url.Query) ? "?" : "&") + query);
}
