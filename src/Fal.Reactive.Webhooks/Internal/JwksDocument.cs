using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Fetches and reads a JSON Web Key Set (RFC 7517), keeping its Ed25519 keys (RFC 8037: <c>kty: OKP</c>, <c>crv: Ed25519</c>).</summary>
internal static class JwksDocument
{
    /// <summary>GETs the set (bounded in size; <paramref name="cancellationToken"/> is its timeout). Never throws: a failure is the error text.</summary>
    public static async Task<(IReadOnlyList<byte[]>? Keys, string? Error)> FetchAsync(
        HttpClient http, Uri url, int maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var where = url.GetLeftPart(UriPartial.Path);
        try
        {
            // No key: the set is public, and this URL may be anyone's.
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"GET {where} answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return (null, $"GET {where}: the key set is larger than {maxBytes} bytes.");
            }

            var body = await ReadBoundedAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
            return body is null
                ? (null, $"GET {where}: the key set is larger than {maxBytes} bytes.")
                : Parse(body, where);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, $"GET {where} took longer than {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (null, $"GET {where} failed: {e.Message}");
        }
    }

    /// <summary>The Ed25519 public keys of a key set; an error when it is not one.</summary>
    public static (IReadOnlyList<byte[]>? Keys, string? Error) Parse(ReadOnlyMemory<byte> json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
            {
                return (null, $"{where} is not a key set: no \"keys\" array.");
            }

            var found = new List<byte[]>();
            foreach (var key in keys.EnumerateArray())
            {
                if (Ed25519Key(key) is { } publicKey)
                {
                    found.Add(publicKey);
                }
            }

            return (found, null);
        }
        catch (JsonException e)
        {
            return (null, $"{where} is not JSON: {e.Message}");
        }
    }

    /// <summary>The 32-byte public key of an Ed25519 JWK; null for any other key (or a malformed one), which is skipped.</summary>
    private static byte[]? Ed25519Key(JsonElement key)
    {
        if (key.ValueKind != JsonValueKind.Object || Text(key, "kty") != "OKP" || Text(key, "crv") != "Ed25519" || Text(key, "x") is not { } x)
        {
            return null;
        }

        // A key published for another use (encryption) must not verify signatures.
        if (Text(key, "use") is { } use && use != "sig")
        {
            return null;
        }

        var publicKey = new byte[WebhookMessage.PublicKeyLength];
        return Base64Url.IsValid(x, out var length) && length == publicKey.Length
            && Base64Url.TryDecodeFromChars(x, publicKey, out var written) && written == publicKey.Length
            ? publicKey
            : null;
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        var buffer = new byte[Math.Min(maxBytes + 1, 16 * 1024)];
        using var collected = new MemoryStream();
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (collected.Length + read > maxBytes)
            {
                return null;
            }

            collected.Write(buffer, 0, read);
        }

        return collected.ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
