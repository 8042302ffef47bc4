using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Fal.Reactive.Extensions.DependencyInjection;

/// <summary>Turns a configured <see cref="FalServiceOptions.Key"/> into credentials, after every Configure.</summary>
internal sealed class FalServiceOptionsSetup : IPostConfigureOptions<FalServiceOptions>
{
    public void PostConfigure(string? name, FalServiceOptions options)
    {
        // An invalid key is left for the validator, which reports it without the value.
        if (options.Credentials is null && options.Key is not null && TryCreateCredentials(options.Key, out var credentials))
        {
            options.Credentials = credentials;
        }
    }

    internal static bool TryCreateCredentials(string key, [NotNullWhen(true)] out FalCredentials? credentials)
    {
        try
        {
            credentials = FalCredentials.FromKey(key.Trim());
            return true;
        }
        catch (ArgumentException)
        {
            credentials = null;
            return false;
        }
    }
}
