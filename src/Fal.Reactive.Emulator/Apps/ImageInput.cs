using System.Buffers.Binary;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// An <c>image_url</c> input as fal's image apps take it: an http(s) URL or a <c>data:image/…;base64,…</c>
/// URI. Its size is read from the PNG or JPEG header when the emulator has the bytes (a data URI, or a file
/// it serves); an outside URL is accepted unread, as the emulator never goes out to the network. Failures carry fal's
/// model error types: <c>image_load_error</c> (bytes that are not an image), <c>file_download_error</c> (an emulator
/// file URL it does not hold).
/// </summary>
internal static class ImageInput
{
    /// <summary>fal's model error type for an image input that cannot be loaded.</summary>
    public const string ImageLoadError = "image_load_error";

    /// <summary>fal's model error type for a file URL that cannot be downloaded.</summary>
    public const string FileDownloadError = "file_download_error";

    /// <summary>The image's size when known; null for an outside URL. Adds a field error for anything else.</summary>
    public static (int Width, int Height)? Read(InputReader input, FalSimulator simulator, string name)
    {
        var text = input.RequiredString(name);
        if (input.HasErrors)
        {
            return null;
        }

        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 0 ? text[5..comma] : string.Empty;
            byte[]? bytes = null;
            if (comma > 0 && header.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    bytes = Convert.FromBase64String(text[(comma + 1)..]);
                }
                catch (FormatException)
                {
                }
            }

            if (bytes is not null && SizeOf(bytes) is { } size)
            {
                return size;
            }

            // A data URI that is not a readable image fails as fal's apps fail to load one.
            input.AddError(name, "Failed to load the image: expected data:image/png or image/jpeg;base64 with a readable image", ImageLoadError);
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            input.AddError(name, "Invalid image URL: expected an http(s) URL or a data URI", "value_error.url");
            return null;
        }

        if (!simulator.TryGetFile(url, out var file))
        {
            // The emulator's own file URLs it can read; one it does not hold cannot be downloaded. Outside URLs are accepted unread.
            if (IsUnder(url, simulator.CdnUrl))
            {
                input.AddError(name, "Failed to download the file: no file at this URL", FileDownloadError);
            }

            return null;
        }

        if (SizeOf(file.Content.Span) is not { } stored)
        {
            input.AddError(name, "Failed to load the image: the file is not a PNG or JPEG image", ImageLoadError);
            return null;
        }

        return stored;
    }

    private static bool IsUnder(Uri url, Uri root) =>
        url.GetLeftPart(UriPartial.Path).StartsWith(root.AbsoluteUri, StringComparison.OrdinalIgnoreCase);

    /// <summary>Width and height from a PNG's IHDR or a JPEG's start-of-frame; null for anything else.</summary>
    public static (int Width, int Height)? SizeOf(ReadOnlySpan<byte> image)
    {
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (image.Length >= 24 && image[..8].SequenceEqual(png))
        {
            return (BinaryPrimitives.ReadInt32BigEndian(image[16..]), BinaryPrimitives.ReadInt32BigEndian(image[20..]));
        }

        if (image.Length < 4 || image[0] != 0xFF || image[1] != 0xD8)
        {
            return null;
        }

        // JPEG: walk the segments to the first start-of-frame (C0–CF, except C4, C8 and CC).
        var i = 2;
        while (i + 9 < image.Length && image[i] == 0xFF)
        {
            var marker = image[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(image[(i + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(image[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(image[(i + 5)..]));
            }

            i += 2 + length;
        }

        return null;
    }
}
