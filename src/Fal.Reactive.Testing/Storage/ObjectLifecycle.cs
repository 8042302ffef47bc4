using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// fal's object lifecycle headers on an upload: <c>X-Fal-Object-Lifecycle-Preference</c> (fal_client, requests) or
/// <c>X-Fal-Object-Lifecycle</c> (the JS client's uploads), JSON with <c>expiration_duration_seconds</c>.
/// </summary>
internal static class ObjectLifecycle
{
    public const string PreferenceHeader = "X-Fal-Object-Lifecycle-Preference";
    public const string UploadHeader = "X-Fal-Object-Lifecycle";

    /// <summary>The raw lifecycle JSON a call carried, if any.</summary>
    public static string? Of(SimulatorHttpRequest request) =>
        request.Header(PreferenceHeader) is { Length: > 0 } preference ? preference
        : request.Header(UploadHeader) is { Length: > 0 } upload ? upload
        : null;

    /// <summary>Records the lifecycle on a file: it expires <c>expiration_duration_seconds</c> after <paramref name="now"/>.</summary>
    public static void Apply(StoredFile file, SimulatorHttpRequest request, DateTimeOffset now)
    {
        file.Lifecycle = Of(request);
        if (file.Lifecycle is null)
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(file.Lifecycle);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("expiration_duration_seconds", out var seconds)
                && seconds.TryGetInt64(out var value) && value > 0)
            {
                file.ExpiresAt = now + TimeSpan.FromSeconds(value);
            }
        }
        catch (JsonException)
        {
            // Recorded as sent; a lifecycle that is not JSON sets no expiry.
        }
    }
}
