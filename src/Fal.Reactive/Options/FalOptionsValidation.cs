namespace Fal.Reactive;

/// <summary>
/// Every check of the options, in one place: a bad option is an argument error at the call (or at the
/// client's construction), never something found out on the wire.
/// </summary>
internal static class FalOptionsValidation
{
    /// <summary>A poll interval must be positive: the client's, a request's, or one given to a handle.</summary>
    public static TimeSpan PollInterval(TimeSpan interval, string paramName) =>
        interval > TimeSpan.Zero
            ? interval
            : throw new ArgumentOutOfRangeException(paramName, interval, "The poll interval (PollInterval) must be positive.");

    /// <summary>The client's options apart from its host URLs (which the client normalizes as it checks them).</summary>
    public static void Validate(FalClientOptions options, string paramName)
    {
        PollInterval(options.PollInterval, paramName);
        ArgumentNullException.ThrowIfNull(options.Scheduler, "options.Scheduler");
        ArgumentNullException.ThrowIfNull(options.Retry, "options.Retry");
        if (options.Retry.MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, options.Retry.MaxRetries, "Retry.MaxRetries cannot be negative.");
        }

        ArgumentNullException.ThrowIfNull(options.Storage, "options.Storage");
        if (options.Storage.PartSize is < 1 or > 1 << 30 || options.Storage.MaxConcurrentParts < 1 || options.Storage.MultipartThreshold < 0)
        {
            throw new ArgumentOutOfRangeException(
                paramName, "Storage: PartSize must be 1 byte to 1 GiB, MaxConcurrentParts at least 1, MultipartThreshold not negative.");
        }
    }

    public static void Validate(FalSubmitOptions options, string paramName)
    {
        if (options.PollInterval is { } interval)
        {
            PollInterval(interval, paramName);
        }

        if (options.Priority is { } priority && !Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(paramName, priority, "Priority must be FalQueuePriority.Normal or FalQueuePriority.Low.");
        }

        if (!Enum.IsDefined(options.StatusMode))
        {
            throw new ArgumentOutOfRangeException(paramName, options.StatusMode, "StatusMode must be FalStatusMode.Polling or FalStatusMode.Streaming.");
        }

        if (options.WebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"WebhookUrl must be an absolute http or https URL, not '{webhook}'.", paramName);
        }

        ValidateCall(options.StartTimeout, options.Headers, paramName);
    }

    public static void Validate(FalRunOptions options, string paramName)
    {
        ValidateCall(options.StartTimeout, options.Headers, paramName);
        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "Timeout must be positive.");
        }

        if (options.IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, idle, "IdleTimeout must be positive.");
        }
    }

    /// <summary>What submits and runs share: the start timeout and the headers.</summary>
    private static void ValidateCall(TimeSpan? startTimeout, IDictionary<string, string> headers, string paramName)
    {
        if (startTimeout is { } timeout && timeout <= TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "StartTimeout must be greater than 1 second.");
        }

        foreach (var name in headers.Keys)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Headers cannot set Authorization: pass the key as FalClientOptions.Credentials.", paramName);
            }
        }
    }
}
