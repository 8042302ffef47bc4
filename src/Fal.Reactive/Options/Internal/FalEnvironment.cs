namespace Fal.Reactive;

/// <summary>
/// The host overrides read from the environment when <see cref="FalClientOptions"/> are created, so a
/// program can be pointed at another fal deployment or at a local emulator without a code change.
/// </summary>
/// <remarks>
/// As fal_client reads them: <c>FAL_RUN_HOST</c> names the run host (default <c>fal.run</c>) and, unless
/// <c>FAL_QUEUE_RUN_HOST</c> is set, the queue host is <c>queue.</c> followed by it. A bare host name means
/// https; a value with a scheme (<c>http://127.0.0.1:9000</c>) is taken as it is. <c>FAL_EMULATOR_URL</c>
/// is this library's own: the single origin of a <c>fal-emulator</c>, which serves the queue at its root,
/// the run host under <c>/_run/</c> and the REST host under <c>/_rest/</c>. The host variables are
/// applied over it. Options that set a URL explicitly win over all of them.
/// </remarks>
internal static class FalEnvironment
{
    public const string RunHostVariable = "FAL_RUN_HOST";
    public const string QueueRunHostVariable = "FAL_QUEUE_RUN_HOST";
    public const string EmulatorUrlVariable = "FAL_EMULATOR_URL";

    /// <summary>The default hosts, with the environment's overrides applied.</summary>
    /// <exception cref="InvalidOperationException">A variable holds something that is not a host or an http(s) URL.</exception>
    public static FalHosts ReadHosts()
    {
        var queue = FalClientOptions.DefaultQueueUrl;
        var run = FalClientOptions.DefaultRunUrl;
        var rest = FalClientOptions.DefaultRestUrl;
        var api = FalClientOptions.DefaultApiUrl;

        if (Read(EmulatorUrlVariable) is { } emulator)
        {
            var origin = ParseOrigin(EmulatorUrlVariable, emulator, allowPath: true);
            queue = origin;
            run = new Uri(origin, "_run/");
            rest = new Uri(origin, "_rest/");
            api = new Uri(origin, "_api/");
        }

        if (Read(RunHostVariable) is { } runHost)
        {
            run = ParseOrigin(RunHostVariable, runHost, allowPath: false);
            // fal_client: the queue host is "queue." + the run host unless set on its own.
            queue = new UriBuilder(run) { Host = "queue." + run.Host }.Uri;
        }

        if (Read(QueueRunHostVariable) is { } queueHost)
        {
            queue = ParseOrigin(QueueRunHostVariable, queueHost, allowPath: false);
        }

        return new FalHosts(queue, run, rest, api);
    }

    private static string? Read(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Uri ParseOrigin(string name, string value, bool allowPath)
    {
        var hasScheme = value.Contains("://", StringComparison.Ordinal);
        if (!hasScheme && name == EmulatorUrlVariable)
        {
            // The emulator serves plain HTTP: guessing https (as for fal's hosts) would end in a TLS error far
            // from its cause.
            throw new InvalidOperationException(
                $"The environment variable {name} must be a URL with its scheme, such as http://{value.TrimEnd('/')} (the emulator serves plain http); it holds '{value}'.");
        }

        // A bare host ("fal.run", "localhost:8765") is https, as in fal_client.
        var text = hasScheme ? value : "https://" + value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo)
            || (!allowPath && uri.AbsolutePath != "/"))
        {
            throw new InvalidOperationException(
                $"The environment variable {name} must be a host name or an http(s) origin such as http://127.0.0.1:8765; it holds '{value}'.");
        }

        // Relative URLs resolve under the origin only when it ends with '/'.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
