using System.Security.Cryptography;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The journal's input hash: SHA-256 of the input in the client's compact JSON form. The body the client sends is already in
/// that form, and fal's listing returns the input as parsed JSON (<c>json_input</c>), which re-encoded the same way gives the
/// same bytes; so one hash matches the other without keeping the input in the journal.
/// </summary>
internal static class InputHash
{
    public static string Of(ReadOnlySpan<byte> body)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        return Of(document.RootElement);
    }

    public static string Of(JsonElement input) => Convert.ToHexString(SHA256.HashData(FalJson.SerializeInput(input))).ToLowerInvariant();
}
