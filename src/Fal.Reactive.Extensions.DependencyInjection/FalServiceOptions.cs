namespace Fal.Reactive.Extensions.DependencyInjection;

/// <summary>
/// The options <c>AddFalClient</c> binds from the <c>Fal</c> configuration section: every
/// <see cref="FalClientOptions"/> setting plus the key as text.
/// </summary>
/// <example>
/// <code>
/// "Fal": {
///   "Key": "…",                              // or FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET)
///   "QueueUrl": "http://127.0.0.1:8765/",    // hosts: default fal's, or FAL_EMULATOR_URL / FAL_RUN_HOST
///   "PollInterval": "00:00:00.250",
///   "Retry": { "MaxRetries": 0 }             // when a resilience handler retries instead
/// }
/// </code>
/// </example>
public class FalServiceOptions : FalClientOptions
{
    /// <summary>The configuration section <c>AddFalClient</c> binds by default: <c>Fal</c>.</summary>
    public const string SectionName = "Fal";

    /// <summary>
    /// The key (<c>Fal:Key</c>). When null and <see cref="FalClientOptions.Credentials"/> is not set, the
    /// key comes from <c>FAL_KEY</c> (or <c>FAL_KEY_ID</c> and <c>FAL_KEY_SECRET</c>). Start fails when
    /// there is none. Never shown in a validation message.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>A malformed host variable met while binding, reported by validation unless every host is configured.</summary>
    internal string? EnvironmentError { get; set; }
}
