namespace Fal.Reactive;

/// <summary>
/// Every check of the options, in one place: a bad option is an argument error at the call (or at the
/// client's construction), never something found out on the wire.
/// </summary>
internal static class FalOptionsValidation
{
    /// <summary>
    /// The longest wait any scheduler can take: a <see cref="System.Threading.Timer"/> (behind Rx's default
    /// schedulers) refuses more than about 49 days, so waits stay under <see cref="int.MaxValue"/> milliseconds.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>A poll interval must be positive and schedulable: the client's, a request's, or one given to a handle.</summary>
    public static TimeSpan PollInterval(TimeSpan interval, string paramName) =>
        Wait(interval, "The poll interval (PollInterval)", paramName);

    /// <summary>A request id goes into a URL path: nothing that could leave <c>…/requests/{id}</c> or end the path.</summary>
    public static string RequestId(string requestId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(requestId, paramName);
        if (!IsSafeRequestId(requestId))
        {
            throw new ArgumentException("A request id cannot be empty, '.' or '..', longer than 256 characters, or contain '/', '\\', '?', '#', '%', white space, control or non-ASCII characters.", paramName);
        }

        return requestId;
    }

    /// <summary>The most log entries a status may be set to keep (<see cref="FalClientOptions.MaxLogLines"/>).</summary>
    public const int MaxLogLines = 1_000_000;

    /// <summary>The longest request id taken (fal issues 36-character UUIDs).</summary>
    public const int MaxRequestIdLength = 256;

    /// <summary>Whether a request id is safe in a URL path segment (also for ids fal answers with): printable ASCII, at most <see cref="MaxRequestIdLength"/> characters.</summary>
    public static bool IsSafeRequestId(string? requestId)
    {
        if (string.IsNullOrEmpty(requestId) || requestId is "." or ".." || requestId.Length > MaxRequestIdLength)
        {
            return false;
        }

        foreach (var c in requestId)
        {
            if (c is '/' or '\\' or '?' or '#' or '%' || c > '~' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The client's options apart from its host URLs (which the client normalizes as it checks them).</summary>
    public static void Validate(FalClientOptions options, string paramName)
    {
        PollInterval(options.PollInterval, paramName);
        ArgumentNullException.ThrowIfNull(options.Scheduler, "options.Scheduler");
        ArgumentNullException.ThrowIfNull(options.Retry, "options.Retry");
        var retry = options.Retry;
        if (retry.MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, retry.MaxRetries, "Retry.MaxRetries cannot be negative.");
        }

        if (!(retry.Jitter is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(paramName, retry.Jitter, "Retry.Jitter must be between 0 and 1.");
        }

        Wait(retry.Delay, "Retry.Delay", paramName, allowZero: true);
        Wait(retry.MaxDelay, "Retry.MaxDelay", paramName, allowZero: true);
        Wait(retry.MaxRetryAfter, "Retry.MaxRetryAfter", paramName, allowZero: true);
        Wait(retry.AttemptTimeout, "Retry.AttemptTimeout", paramName);
        Wait(retry.SubmitTimeout, "Retry.SubmitTimeout", paramName);
        Wait(options.StatusStreamIdleTimeout, "StatusStreamIdleTimeout", paramName);
        Wait(options.DisposeTimeout, "DisposeTimeout", paramName, allowZero: true);
        if (options.MaxStatusBytes <= 0 || options.MaxResultBytes <= 0 || options.MaxResultBytes > Array.MaxLength || options.MaxStatusBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(paramName, "MaxStatusBytes and MaxResultBytes must be positive and at most Array.MaxLength.");
        }

        MaxConnectionsPerServer(options.MaxConnectionsPerServer, paramName);
        if (options.MaxLogLines is < 0 or > MaxLogLines)
        {
            throw new ArgumentOutOfRangeException(paramName, options.MaxLogLines, $"MaxLogLines must be between 0 and {MaxLogLines:N0}.");
        }

        ArgumentNullException.ThrowIfNull(options.Storage, "options.Storage");
        if (options.Storage.PartSize is < 1 or > 1 << 30 || options.Storage.MaxConcurrentParts < 1 || options.Storage.MultipartThreshold < 0)
        {
            throw new ArgumentOutOfRangeException(
                paramName, "Storage: PartSize must be 1 byte to 1 GiB, MaxConcurrentParts at least 1, MultipartThreshold not negative.");
        }
    }

    /// <summary>The own HttpClient's connection cap: at least 1.</summary>
    public static int MaxConnectionsPerServer(int connections, string paramName) =>
        connections >= 1 ? connections : throw new ArgumentOutOfRangeException(paramName, connections, "MaxConnectionsPerServer must be at least 1.");

    /// <summary>Checks a submit's settings (copied from its options first, so what is checked is what is sent) and returns them.</summary>
    public static SubmitSettings Validate(SubmitSettings options, string paramName)
    {
        if (options.PollInterval is { } interval)
        {
            PollInterval(interval, paramName);
        }

        if (options.CallHeaders.Priority is { } priority && !Enum.IsDefined(priority))
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

        if (options.ClientTimeout is { } clientTimeout)
        {
            Wait(clientTimeout, "ClientTimeout", paramName);
        }

        ValidateCall(options.CallHeaders, paramName);
        return options;
    }

    /// <summary>Checks a direct run's or a stream's settings (copied from its options first) and returns them.</summary>
    public static RunSettings Validate(RunSettings options, string paramName)
    {
        ValidateCall(options.CallHeaders, paramName);
        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "Timeout must be positive.");
        }

        if (options.IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, idle, "IdleTimeout must be positive.");
        }

        return options;
    }

    /// <summary>What submits and runs share: the start timeout and the headers.</summary>
    private static void ValidateCall(FalCallHeaders call, string paramName)
    {
        var (headers, _, hint, startTimeout) = call;
        if (startTimeout is { } timeout && (timeout <= TimeSpan.FromSeconds(1) || timeout > MaxWait))
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "StartTimeout must be greater than 1 second.");
        }

        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Headers cannot set Authorization: pass the key as FalClientOptions.Credentials.", paramName);
            }

            // Headers go on the wire as given (no parsing per call): a CR or LF would start a new header, or request.
            if (!IsToken(name))
            {
                throw new ArgumentException($"The header name '{Printable(name)}' is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~).", paramName);
            }

            if (value is null || !IsFieldValue(value))
            {
                throw new ArgumentException($"The value of header '{name}' contains a control character (CR, LF, NUL…) or a non-ASCII one, or is null.", paramName);
            }
        }

        if (hint is not null && !IsFieldValue(hint))
        {
            throw new ArgumentException("Hint (header X-Fal-Runner-Hint) contains a control character (CR, LF, NUL…) or a non-ASCII one.", paramName);
        }
    }

    /// <summary>A positive (or, when allowed, zero) wait that a scheduler can take.</summary>
    private static TimeSpan Wait(TimeSpan wait, string what, string paramName, bool allowZero = false) =>
        (wait > TimeSpan.Zero || (allowZero && wait == TimeSpan.Zero)) && wait <= MaxWait
            ? wait
            : throw new ArgumentOutOfRangeException(paramName, wait, $"{what} must be {(allowZero ? "zero or positive" : "positive")} and at most {MaxWait.TotalDays:0} days.");

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A field value: visible ASCII characters, spaces and tabs. No other control character (a CR or LF would start a new
    /// header); no non-ASCII one, which HttpClient refuses only when sending (the call would fail on the wire, not here).
    /// </summary>
    private static bool IsFieldValue(string value)
    {
        foreach (var c in value)
        {
            if ((c != '\t' && char.IsControl(c)) || c > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
