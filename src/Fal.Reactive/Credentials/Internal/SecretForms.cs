using System.Text;

namespace Fal.Reactive;

/// <summary>
/// The forms in which a secret can come back in a server's answer, for redaction: as written, in any letter case
/// (a server that upper-cases headers), and base64 or base64url encoded (an echoed <c>Basic</c> header, a base64
/// body) at each of the three byte alignments it can have inside a longer encoded text.
/// </summary>
internal sealed class SecretForms
{
    private const string Redacted = "[redacted]";

    // Shorter encoded runs could match by chance in ordinary text; 16 characters carry 96 bits of the secret.
    private const int MinEncodedLength = 16;

    private readonly string[] _plain;
    private readonly string[] _encoded;

    public SecretForms(IEnumerable<string> secrets)
    {
        // Longest first, so a whole key is replaced before its parts.
        _plain = [.. secrets.Where(s => s.Length >= 4).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(s => s.Length)];
        _encoded = [.. _plain.SelectMany(Encodings).Where(e => e.Length >= MinEncodedLength).Distinct(StringComparer.Ordinal).OrderByDescending(e => e.Length)];
    }

    public static SecretForms None { get; } = new([]);

    /// <summary><paramref name="text"/> with every form of every secret replaced by <c>[redacted]</c>.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _plain)
        {
            text = text.Replace(secret, Redacted, StringComparison.OrdinalIgnoreCase);
        }

        // Base64 is case-sensitive: an encoded form matches only as written.
        foreach (var encoded in _encoded)
        {
            text = text.Replace(encoded, Redacted, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// The base64 and base64url characters determined by the secret's bytes alone, for each alignment: with k unknown
    /// bytes before it, the first group (which mixes them in) and the last partial group (which mixes in what follows)
    /// are left out.
    /// </summary>
    private static IEnumerable<string> Encodings(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var k = 0; k < 3; k++)
        {
            var aligned = new byte[k + bytes.Length];
            bytes.CopyTo(aligned, k);
            var encoded = Convert.ToBase64String(aligned);
            var start = k == 0 ? 0 : 4;
            var end = 4 * (aligned.Length / 3);
            if (end - start <= 0)
            {
                continue;
            }

            var middle = encoded[start..end];
            yield return middle;
            yield return middle.Replace('+', '-').Replace('/', '_');
        }
    }
}
