using System.Text.Json;

namespace RxConsole;

/// <summary>One image of a result: where it came from and where it was saved (or why not).</summary>
internal sealed record SavedImage(string Url, string? File, int? Width, int? Height, long Bytes, string? Error);

/// <summary>
/// Downloads the images named in the results with a plain <see cref="HttpClient"/>: image URLs point at a
/// CDN (or the emulator), and the fal key must never go there. Each file is checked by its signature
/// before it is saved.
/// </summary>
internal sealed class ImageDownloader(HttpClient http, string directory)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public async Task<IReadOnlyList<SavedImage>> SaveAsync(RequestOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result is not { ValueKind: JsonValueKind.Object } result
            || !result.TryGetProperty("images", out var images)
            || images.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var saved = new List<SavedImage>();
        var index = 0;
        foreach (var image in images.EnumerateArray())
        {
            index++;
            var url = image.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
            int? width = image.TryGetProperty("width", out var w) && w.TryGetInt32(out var wi) ? wi : null;
            int? height = image.TryGetProperty("height", out var h) && h.TryGetInt32(out var hi) ? hi : null;
            var name = $"{outcome.Job.Number:00}-{Slug(outcome.Job.Prompt)}" + (images.GetArrayLength() > 1 ? $"-{index}" : "");
            saved.Add(await SaveOneAsync(url, name, width, height, cancellationToken).ConfigureAwait(false));
        }

        return saved;
    }

    private async Task<SavedImage> SaveOneAsync(string url, string name, int? width, int? height, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = url.StartsWith("data:", StringComparison.Ordinal)
                ? Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..])
                : Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                    ? await http.GetByteArrayAsync(uri, cancellationToken).ConfigureAwait(false)
                    : throw new FormatException("not an http(s) or data URL");
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or TaskCanceledException)
        {
            return new SavedImage(Shorten(url), null, width, height, 0, $"download failed: {e.Message}");
        }

        var extension = Extension(bytes);
        if (extension is null)
        {
            return new SavedImage(Shorten(url), null, width, height, bytes.Length, "not a PNG (nor JPEG/WebP): bad signature");
        }

        var file = Path.Combine(directory, name + extension);
        await File.WriteAllBytesAsync(file, bytes, cancellationToken).ConfigureAwait(false);
        return new SavedImage(Shorten(url), file, width, height, bytes.Length, null);
    }

    /// <summary>The file extension the content's signature calls for; null when it is no image we know.</summary>
    internal static string? Extension(ReadOnlySpan<byte> content) =>
        content.StartsWith(PngSignature) ? ".png"
        : content is [0xFF, 0xD8, 0xFF, ..] ? ".jpg" // fal's default output format for many apps
        : content.Length >= 12 && content[..4].SequenceEqual("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8) ? ".webp"
        : null;

    private static string Slug(string prompt)
    {
        var chars = prompt.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length <= 32 ? slug : slug[..32].TrimEnd('-');
    }

    // data: URLs can be megabytes; the summary keeps their head only.
    private static string Shorten(string url) => url.Length <= 200 ? url : url[..200] + "…";
}
