using Microsoft.Extensions.Options;

namespace Fal.Reactive.Extensions.DependencyInjection;

/// <summary>
/// Checks the bound options at start (ValidateOnStart), so a bad <c>Fal</c> section stops the host with one
/// <see cref="OptionsValidationException"/> naming each wrong setting. Messages never contain the key.
/// </summary>
internal sealed class FalServiceOptionsValidator : IValidateOptions<FalServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, FalServiceOptions options)
    {
        var failures = new List<string>();
        CheckKey(options, failures);
        CheckUrl(nameof(options.QueueUrl), () => options.QueueUrl, failures);
        CheckUrl(nameof(options.RunUrl), () => options.RunUrl, failures);
        CheckUrl(nameof(options.RestUrl), () => options.RestUrl, failures);
        CheckUrl(nameof(options.ApiUrl), () => options.ApiUrl, failures);
        if (options.EnvironmentError is { } environmentError
            && (ReferenceEquals(options.QueueUrl, FalClientOptions.DefaultQueueUrl)
                || ReferenceEquals(options.RunUrl, FalClientOptions.DefaultRunUrl)
                || ReferenceEquals(options.RestUrl, FalClientOptions.DefaultRestUrl)))
        {
            failures.Add(environmentError);
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"Fal:PollInterval must be positive; it is {options.PollInterval}.");
        }

        if (options.MaxConnectionsPerServer < 1)
        {
            failures.Add($"Fal:MaxConnectionsPerServer must be at least 1; it is {options.MaxConnectionsPerServer}.");
        }

        if (options.Scheduler is null)
        {
            failures.Add("Fal:Scheduler cannot be null.");
        }

        if (options.Retry is null)
        {
            failures.Add("Fal:Retry cannot be null.");
        }
        else
        {
            if (options.Retry.MaxRetries < 0)
            {
                failures.Add($"Fal:Retry:MaxRetries cannot be negative; it is {options.Retry.MaxRetries}.");
            }

            if (options.Retry.Delay < TimeSpan.Zero || options.Retry.MaxDelay < options.Retry.Delay)
            {
                failures.Add($"Fal:Retry:Delay must be at least zero and at most Fal:Retry:MaxDelay; they are {options.Retry.Delay} and {options.Retry.MaxDelay}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckKey(FalServiceOptions options, List<string> failures)
    {
        if (options.Credentials is not null)
        {
            return;
        }

        if (options.Key is not null)
        {
            // Only the rule is reported: the value is a secret.
            if (!FalServiceOptionsSetup.TryCreateCredentials(options.Key, out _))
            {
                failures.Add("Fal:Key is not a valid fal key: it is empty or contains white space or control characters.");
            }

            return;
        }

        try
        {
            if (FalCredentials.FromEnvironment() is null)
            {
                failures.Add(
                    $"No fal key: set Fal:Key in configuration, or the {FalCredentials.KeyVariable} environment variable " +
                    $"(or {FalCredentials.KeyIdVariable} and {FalCredentials.KeySecretVariable}).");
            }
        }
        catch (ArgumentException)
        {
            failures.Add($"The {FalCredentials.KeyVariable} (or {FalCredentials.KeyIdVariable}/{FalCredentials.KeySecretVariable}) environment variable is not a valid fal key.");
        }
    }

    private static void CheckUrl(string name, Func<Uri?> read, List<string> failures)
    {
        Uri? url;
        try
        {
            url = read();
        }
        catch (InvalidOperationException e)
        {
            // An unset host falls back to FAL_EMULATOR_URL / FAL_RUN_HOST / FAL_QUEUE_RUN_HOST, which may be malformed.
            failures.Add($"Fal:{name}: {e.Message}");
            return;
        }

        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Fal:{name} must be an absolute http or https URL; it is '{url}'.");
        }
    }
}
