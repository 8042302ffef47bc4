#if !NET9_0_OR_GREATER
namespace System.Buffers.Text;

/// <summary>
/// The members of .NET 9's <c>Base64Url</c> the webhook code uses, for net8.0 (linked into the test kit too): the
/// URL-safe alphabet mapped to and from the standard one.
/// </summary>
internal static class Base64Url
{
    public static string EncodeToString(ReadOnlySpan<byte> source) =>
        Convert.ToBase64String(source).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool IsValid(ReadOnlySpan<char> base64UrlText, out int decodedLength)
    {
        decodedLength = 0;
        var standard = ToStandard(base64UrlText);
        if (standard is null)
        {
            return false;
        }

        var buffer = new byte[standard.Length];
        if (!Convert.TryFromBase64String(standard, buffer, out var written))
        {
            return false;
        }

        decodedLength = written;
        return true;
    }

    public static bool TryDecodeFromChars(ReadOnlySpan<char> source, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        var standard = ToStandard(source);
        return standard is not null && Convert.TryFromBase64String(standard, destination, out bytesWritten);
    }

    private static string? ToStandard(ReadOnlySpan<char> text)
    {
        text = text.TrimEnd('=');
        if (text.Length % 4 == 1)
        {
            return null;
        }

        var chars = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        for (var i = 0; i < chars.Length; i++)
        {
            if (i >= text.Length)
            {
                chars[i] = '=';
                continue;
            }

            var c = text[i];
            if (c is '+' or '/')
            {
                return null;
            }

            chars[i] = c switch { '-' => '+', '_' => '/', _ => c };
        }

        return new string(chars);
    }
}
#endif
