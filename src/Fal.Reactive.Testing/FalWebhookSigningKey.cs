using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Fal.Reactive.Testing;

/// <summary>
/// An Ed25519 key that signs webhooks as fal does (<c>X-Fal-Webhook-*</c> headers) and publishes itself as a JSON Web
/// Key Set. The simulator signs its webhooks with one; tests use it to make signed deliveries of their own.
/// </summary>
/// <example>
/// <code>
/// var key = FalWebhookSigningKey.Create();
/// var headers = key.Sign("request-id", "user-id", DateTimeOffset.UtcNow, body);   // header name → value
/// string jwks = FalWebhookSigningKey.ToJwks(key);                              // serve it as the key set
/// </code>
/// </example>
public sealed class FalWebhookSigningKey
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey = new byte[WebhookMessage.PublicKeyLength];

    private FalWebhookSigningKey(byte[] privateKey, string keyId)
    {
        _privateKey = privateKey;
        KeyId = keyId;
        Ed25519.GeneratePublicKey(_privateKey, 0, _publicKey, 0);
    }

    /// <summary>The key id (<c>kid</c>) in the key set.</summary>
    public string KeyId { get; }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey;

    /// <summary>A new random key.</summary>
    /// <param name="keyId">The key id; a random one when null.</param>
    /// <returns>The key.</returns>
    public static FalWebhookSigningKey Create(string? keyId = null) =>
        new(RandomNumberGenerator.GetBytes(Ed25519.SecretKeySize), keyId ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant());

    /// <summary>The key made from a 32-byte seed (RFC 8032 private key), for reproducible test vectors.</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="keyId">The key id.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes or <paramref name="keyId"/> is empty.</exception>
    public static FalWebhookSigningKey FromSeed(ReadOnlySpan<byte> seed, string keyId)
    {
        if (seed.Length != Ed25519.SecretKeySize)
        {
            throw new ArgumentException($"An Ed25519 seed is {Ed25519.SecretKeySize} bytes, not {seed.Length}.", nameof(seed));
        }

        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return new(seed.ToArray(), keyId);
    }

    /// <summary>The hex Ed25519 signature of fal's webhook message (request id, user id, timestamp, hex SHA-256 of the body).</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="timestamp">The timestamp text, as sent (Unix seconds).</param>
    /// <param name="body">The raw body.</param>
    /// <returns>128 lower-case hex digits.</returns>
    public string SignatureOf(string requestId, string userId, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(timestamp);
        var message = WebhookMessage.Build(requestId, userId, timestamp, body);
        var signature = new byte[WebhookMessage.SignatureLength];
        // With the public key given, not derived again from the private one: a fifth of the cost, and the
        // simulator signs under its lock as each request finishes.
        Ed25519.Sign(_privateKey, 0, _publicKey, 0, message, 0, message.Length, signature, 0);
        return Convert.ToHexString(signature).ToLowerInvariant();
    }

    /// <summary>The four <c>X-Fal-Webhook-*</c> headers of a delivery signed at <paramref name="time"/>.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="time">The signing time (sent as Unix seconds).</param>
    /// <param name="body">The raw body.</param>
    /// <returns>Header name to value.</returns>
    public IReadOnlyDictionary<string, string> Sign(string requestId, string userId, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        var timestamp = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [WebhookMessage.RequestIdHeader] = requestId,
            [WebhookMessage.UserIdHeader] = userId,
            [WebhookMessage.TimestampHeader] = timestamp,
            [WebhookMessage.SignatureHeader] = SignatureOf(requestId, userId, timestamp, body),
        };
    }

    /// <summary>A JSON Web Key Set (RFC 7517) of the public keys, as fal serves it: <c>{"keys":[{"kty":"OKP","crv":"Ed25519","x",…}]}</c>.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The key set JSON.</returns>
    public static string ToJwks(params IEnumerable<FalWebhookSigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            foreach (var key in keys)
            {
                w.WriteStartObject();
                w.WriteString("kty", "OKP");
                w.WriteString("crv", "Ed25519");
                w.WriteString("kid", key.KeyId);
                w.WriteString("use", "sig");
                w.WriteString("alg", "EdDSA");
                w.WriteString("x", Base64Url.EncodeToString(key._publicKey));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => $"Ed25519 webhook key {KeyId}";
}
