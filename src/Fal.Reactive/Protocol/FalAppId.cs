
namespace Fal.Reactive;

/// <summary>
/// A parsed fal endpoint id: <c>owner/alias[/path]</c>, <c>workflows/owner/alias[/path]</c>,
/// <c>comfy/owner/alias[/path]</c>, or the legacy <c>123-name</c>.
/// </summary>
internal sealed class FalAppId
{
    // The last id parsed on this thread: a batch submits one app many times, and the parsed id is immutable.
    [ThreadStatic]
    private static FalAppId? t_last;

    private FalAppId(string id, string submitPath, string basePath)
    {
        Id = id;
        SubmitPath = submitPath;
        BasePath = basePath;
    }

    /// <summary>The id as the caller gave it.</summary>
    public string Id { get; }

    /// <summary>Where submits and runs go: the whole id, sub-path included (<c>fal-ai/flux/dev</c>).</summary>
    public string SubmitPath { get; }

    /// <summary>Where status, result and cancel live: namespace, owner and alias only (<c>fal-ai/flux</c>).</summary>
    public string BasePath { get; }

    public static FalAppId Parse(string appId, string paramName = "appId")
    {
        ArgumentNullException.ThrowIfNull(appId, paramName);
        if (t_last is { } last && string.Equals(last.Id, appId, StringComparison.Ordinal))
        {
            return last;
        }

        var segments = appId.Split('/');
        if (segments.Length == 1 && TrySplitLegacy(appId, out var owner, out var alias))
        {
            segments = [owner, alias];
        }

        var prefixLength = AppNamespaces.PrefixLength(segments);
        if (segments.Length < prefixLength + 2 || !segments.All(IsValidSegment))
        {
            throw new ArgumentException(
                $"Invalid fal app id '{appId}'. Expected '<owner>/<alias>[/<path>]' such as 'fal-ai/fast-sdxl' or " +
                "'fal-ai/flux/dev' (also 'workflows/<owner>/<alias>', 'comfy/<owner>/<alias>', or the legacy '<number>-<alias>').",
                paramName);
        }

        var submitPath = string.Join('/', segments);
        var basePath = string.Join('/', segments, 0, prefixLength + 2);
        return t_last = new FalAppId(appId, submitPath, basePath);
    }

    public override string ToString() => Id;

    private static bool TrySplitLegacy(string id, out string owner, out string alias)
    {
        // "1234-my-app" is the old form of "1234/my-app".
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        owner = dash > 0 ? id[..dash] : string.Empty;
        alias = dash > 0 ? id[(dash + 1)..] : string.Empty;
        return dash > 0 && owner.All(char.IsAsciiDigit) && alias.Length > 0;
    }

    private static bool IsValidSegment(string segment) =>
        segment.Length > 0
        && segment != "."
        && segment != ".."
        && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~');
}
