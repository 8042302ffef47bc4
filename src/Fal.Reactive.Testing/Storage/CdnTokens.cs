using System.Security.Cryptography;

namespace Fal.Reactive.Testing;

/// <summary>
/// The CDN tokens the storage has issued. With configured keys they are checked (only an issued, unexpired token may
/// upload); without, any token is accepted, as before. Bounded: the oldest are forgotten beyond the limit. Not
/// thread-safe: used under the facade's lock.
/// </summary>
internal sealed class CdnTokens(bool checkTokens, int maxTokens, TimeSpan lifetime)
{
    /// <summary>Gets how long an issued token is good for (<see cref="FalSimulatorOptions.StorageTokenLifetime"/>).</summary>
    public TimeSpan Lifetime => lifetime;

    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public string Issue(DateTimeOffset now)
    {
        var token = "cdn-" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        _expiries[token] = now + lifetime;
        _order.Enqueue(token);
        while (_order.Count > maxTokens || (_order.TryPeek(out var oldest) && _expiries[oldest] < now))
        {
            _expiries.Remove(_order.Dequeue());
        }

        return token;
    }

    /// <summary>Whether <c>Authorization: Bearer &lt;token&gt;</c> may upload.</summary>
    public bool Accepts(string? authorization, DateTimeOffset now) =>
        !checkTokens
        || (authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && _expiries.TryGetValue(header[7..].Trim(), out var expires) && expires >= now);
}
