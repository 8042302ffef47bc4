namespace Fal.Reactive;

/// <summary>Where a realtime app listens.</summary>
internal static class RealtimeUrl
{
    /// <summary>The app path: the app id, then the realtime path unless the id already ends with it.</summary>
    public static string AppPath(FalAppId app, string path) =>
        path.Length == 0 || app.SubmitPath.EndsWith(path, StringComparison.Ordinal) ? app.SubmitPath : app.SubmitPath + path;

    /// <summary>
    /// <c>ws(s)://{run host}/{app}{path}?fal_jwt_token=…[&amp;max_buffering=n]</c>: the scheme follows the run URL's
    /// (https → wss, http → ws), so a local emulator works too. Only the temporary token goes in the URL; without
    /// one (header-auth mode) there is no <c>fal_jwt_token</c>, as fal_client builds it.
    /// </summary>
    public static Uri Build(Uri runUrl, string appPath, string? token, int? maxBuffering)
    {
        var query = new List<string>(2);
        if (token is not null)
        {
            query.Add("fal_jwt_token=" + Uri.EscapeDataString(token));
        }

        if (maxBuffering is { } n)
        {
            query.Add("max_buffering=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var builder = new UriBuilder(runUrl)
        {
            Scheme = runUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = runUrl.AbsolutePath.TrimEnd('/') + "/" + appPath,
            Query = string.Join('&', query),
        };
        if (runUrl.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }
}
