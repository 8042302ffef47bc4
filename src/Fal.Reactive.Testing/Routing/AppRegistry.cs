namespace Fal.Reactive.Testing;

/// <summary>The mapped apps: app id → script factory; the longest mapped id that prefixes a path serves it. Used under the lock.</summary>
internal sealed class AppRegistry
{
    private readonly Dictionary<string, Func<FalAppCall, FalAppScript>> _apps = new(StringComparer.Ordinal);

    /// <summary>Normalises an app id (no leading or trailing slash) or throws when it is not one.</summary>
    public static string NormalizeId(string appId)
    {
        ArgumentNullException.ThrowIfNull(appId);
        var segments = appId.Trim('/').Split('/');
        if (segments.Length < AppPath.OwnerAliasLength(segments) || segments.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"'{appId}' is not an app id of the form owner/alias[/path].", nameof(appId));
        }

        return string.Join('/', segments);
    }

    /// <summary>Maps (or maps again) a normalised app id.</summary>
    public void Map(string appId, Func<FalAppCall, FalAppScript> scriptFactory) => _apps[appId] = scriptFactory;

    /// <summary>Finds the app serving a path: the longest mapped prefix of at least <c>owner/alias</c>.</summary>
    public Func<FalAppCall, FalAppScript>? Match(string[] segments, out string appId)
    {
        for (var length = segments.Length; length >= AppPath.OwnerAliasLength(segments); length--)
        {
            var candidate = string.Join('/', segments.Take(length));
            if (_apps.TryGetValue(candidate, out var factory))
            {
                appId = candidate;
                return factory;
            }
        }

        appId = string.Empty;
        return null;
    }
}
