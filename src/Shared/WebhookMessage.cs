// Linked source: this file is compiled into several assemblies (<Compile Include="..\Shared\WebhookMessage.cs" />).
// The client verifies what the test kit signs; both must build the signed message byte for byte alike, and the test
// kit must not depend on the client's internals, so the one definition lives here.
using System.Security.Cryptography;
using System.Text;

namespace Fal.Reactive;

/// <summary>
/// The message fal signs for a webhook delivery: request id, user id, timestamp and the lower-case hex SHA-256 of
/// the raw body, joined by <c>\n</c>, UTF-8 encoded.
/// </summary>
internal static class WebhookMessage
{
    public const string RequestIdHeader = "X-Fal-Webhook-Request-Id";
    public const string UserIdHeader = "X-Fal-Webhook-User-Id";
    public const string TimestampHeader = "X-Fal-Webhook-Timestamp";
    public const string SignatureHeader = "X-Fal-Webhook-Signature";

    /// <summary>Ed25519 signatures are 64 bytes, public keys 32.</summary>
    public const int SignatureLength = 64;
    public const int PublicKeyLength = 32;

    public static byte[] Build(string requestId, string userId, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
#if NET9_0_OR_GREATER
        var hex = Convert.ToHexStringLower(hash);
#else
        var hex = Convert.ToHexString(hash).ToLowerInvariant();   // ToHexStringLower is .NET 9+
#endif
        return Encoding.UTF8.GetBytes(string.Concat(requestId, "\n", userId, "\n", timestamp, "\n", hex));
    }
}
