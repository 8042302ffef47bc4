using System.Text;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// How long fal keeps stored objects: the files an upload creates, or the files a request's outputs are stored in.
/// Sent as fal's <c>X-Fal-Object-Lifecycle-Preference</c> header (JSON <c>{"expiration_duration_seconds": N,
/// "initial_acl": {…}}</c>), as fal_client's <c>StorageSettings(expires_in=…, initial_acl=…)</c> and the JS client's
/// <c>storageSettings</c>/<c>lifecycle</c> (<c>expiresIn</c>, <c>initialAcl</c>) do.
/// </summary>
/// <example>
/// <code>
/// await fal.Storage.UploadAsync(file, new FalUploadOptions { Lifecycle = FalObjectLifecycle.ExpiresAfter(TimeSpan.FromHours(1)) });
/// fal.Submit(app, input, new FalSubmitOptions { StorageLifecycle = FalObjectLifecycle.OneDay });
/// </code>
/// </example>
public sealed record FalObjectLifecycle
{
    private FalObjectLifecycle(TimeSpan? expiresIn) => ExpiresIn = expiresIn;

    /// <summary>
    /// Gets fal's <c>never</c> preset: no expiry is sent (<c>expiration_duration_seconds</c> left out, as both official
    /// clients leave it out for <c>never</c>), so fal keeps the objects. Give it an <see cref="InitialAcl"/> to send
    /// access rules alone: <c>FalObjectLifecycle.Never with { InitialAcl = … }</c> sends <c>{"initial_acl":{…}}</c>.
    /// </summary>
    public static FalObjectLifecycle Never { get; } = new((TimeSpan?)null);

    /// <summary>Gets fal's shortest preset, <c>immediate</c>: 60 seconds.</summary>
    public static FalObjectLifecycle Immediate { get; } = new(TimeSpan.FromSeconds(60));

    /// <summary>Gets the <c>1h</c> preset.</summary>
    public static FalObjectLifecycle OneHour { get; } = new(TimeSpan.FromHours(1));

    /// <summary>Gets the <c>1d</c> preset.</summary>
    public static FalObjectLifecycle OneDay { get; } = new(TimeSpan.FromDays(1));

    /// <summary>Gets the <c>7d</c> preset.</summary>
    public static FalObjectLifecycle SevenDays { get; } = new(TimeSpan.FromDays(7));

    /// <summary>Gets the <c>30d</c> preset.</summary>
    public static FalObjectLifecycle ThirtyDays { get; } = new(TimeSpan.FromDays(30));

    /// <summary>Gets the <c>1y</c> preset (365 days).</summary>
    public static FalObjectLifecycle OneYear { get; } = new(TimeSpan.FromDays(365));

    /// <summary>Gets how long after its creation fal deletes the object (whole seconds); null for <see cref="Never"/> (none sent).</summary>
    public TimeSpan? ExpiresIn { get; }

    /// <summary>Objects deleted <paramref name="expiresIn"/> after their creation.</summary>
    /// <param name="expiresIn">At least one second, whole seconds (fal counts in seconds).</param>
    /// <returns>The lifecycle.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiresIn"/> is under a second or not whole seconds.</exception>
    public static FalObjectLifecycle ExpiresAfter(TimeSpan expiresIn) =>
        expiresIn >= TimeSpan.FromSeconds(1) && expiresIn.Ticks % TimeSpan.TicksPerSecond == 0
            ? new FalObjectLifecycle(expiresIn)
            : throw new ArgumentOutOfRangeException(nameof(expiresIn), expiresIn, "An object lifecycle is a whole number of seconds, at least one.");

    /// <summary>
    /// Gets who may read the objects when they are created (fal's <c>initial_acl</c>); null sends none and fal's
    /// default applies.
    /// </summary>
    /// <example><c>FalObjectLifecycle.OneDay with { InitialAcl = new FalStorageAcl(FalAclDecision.Forbid, [new("github|42", FalAclDecision.Allow)]) }</c></example>
    public FalStorageAcl? InitialAcl { get; init; }

    /// <summary>
    /// The header value: <c>{"expiration_duration_seconds":N,"initial_acl":{"default":…,"rules":[{"user":…,"decision":…}]}}</c>,
    /// each part left out when unset; null when nothing is set (no header is sent, as the JS client sends none).
    /// </summary>
    internal string? HeaderValue
    {
        get
        {
            if (ExpiresIn is null && InitialAcl is not { IsEmpty: false })
            {
                return null;
            }

            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                if (ExpiresIn is { } expiresIn)
                {
                    w.WriteNumber("expiration_duration_seconds", (long)expiresIn.TotalSeconds);
                }

                if (InitialAcl is { } acl)
                {
                    acl.Write(w);
                }

                w.WriteEndObject();
            }

            // The writer escapes every non-ASCII character: a header value stays ASCII.
            return Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}
