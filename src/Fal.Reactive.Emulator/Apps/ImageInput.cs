using System.Buffers.Binary;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// An <c>image_url</c> input as fal's image apps take it: an http(s) URL or a <c>data:image/…;base64,…</c>
/// URI. Its size is read from the PNG or JPEG header when the emulator has the bytes (a data URI, or a file
/// it serves); an outside URL is accepted unread, as the emulator never goes out to the network.
/// </summary>
internal static class ImageInput
{
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

            input.AddError(name, "Invalid data URI: expected data:image/png or image/jpeg;base64 with a readable image", "value_error");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            input.AddError(name, "Invalid image URL: expected an http(s) URL or a data URI", "value_error.url");
            return null;
        }

        return simulator.TryGetFile(url, out var file) ? SizeOf(file.Content.Span) : null;
    }

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
