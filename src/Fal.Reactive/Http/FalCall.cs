using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// One call to fal, as the transport takes it (Azure.Core's <c>HttpMessage</c>): what is sent (method, URL,
/// body, headers), what it is called in errors and logs (operation, request id), how it is retried and bounded
/// (retry rule, response bound, attempt deadline, scheduler), whom it is counted on (telemetry), and how its
/// success answer is read (the parse step).
/// </summary>
/// <remarks>
/// A struct, and the parse step a static delegate with its data in <see cref="State"/>: a poll loop's calls
/// allocate nothing for the call itself (no closure, no message object per poll).
/// </remarks>
/// <typeparam name="T">What the parse step makes of the answer.</typeparam>
internal readonly struct FalCall<T>
{
    /// <summary>Gets the operation's name in errors and logs (<c>submit</c>, <c>status</c>, <c>upload part</c>).</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the HTTP method (of the request the transport builds when there is no <see cref="Build"/> step).</summary>
    public HttpMethod Method { get; init; }

    /// <summary>Gets fal's URL (in proxy mode it goes in <c>x-fal-target-url</c>; unused with a <see cref="Build"/> step).</summary>
    public Uri Url { get; init; }

    /// <summary>Gets the JSON body, if any.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Gets the headers the caller's options add.</summary>
    public FalCallHeaders? Headers { get; init; }

    /// <summary>Gets the request the call is about, once fal has named it.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets which failures are tried again.</summary>
    public FalRetryRule Retry { get; init; }

    /// <summary>Gets the largest success answer read; null: <see cref="FalClientOptions.MaxStatusBytes"/>.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>
    /// Gets, for a status call with logs, how many log entries to keep (the newest): the answer is then read through
    /// <see cref="StatusLogTail"/>, its bound applying to what is kept. Null: read whole, up to the bound.
    /// </summary>
    public int? LogTail { get; init; }

    /// <summary>
    /// Gets the bound of a call whose rule gives it no attempt timeout because a timeout there is ambiguous (a
    /// submit: <see cref="FalRetryOptions.SubmitTimeout"/>); on expiry it fails with <see cref="FalTimeoutException"/>
    /// saying the request may have been enqueued. Null: unbounded here (a run has its own whole-call deadline).
    /// </summary>
    public TimeSpan? AmbiguousTimeout { get; init; }

    /// <summary>Gets the caller's reusable attempt deadline (a poll loop's); null: one of the call's own.</summary>
    public AttemptDeadline? Deadline { get; init; }

    /// <summary>Gets the request's span and counters, if the call belongs to one.</summary>
    public FalRequestTelemetry? Telemetry { get; init; }

    /// <summary>Gets the scheduler the call's waits (retry delays, attempt deadline) go through.</summary>
    public required IScheduler Scheduler { get; init; }

    /// <summary>Gets the data the parse step (and <see cref="Build"/>) needs beyond the answer.</summary>
    public object? State { get; init; }

    /// <summary>Gets the parse step: the success answer as <typeparamref name="T"/>. Null for a call whose answer is read as it arrives (a server-sent stream).</summary>
    public Func<FalAnswer, T>? Parse { get; init; }

    /// <summary>
    /// Gets, for a call not built from <see cref="Method"/>, <see cref="Url"/> and <see cref="Body"/> with the key
    /// (an upload to a storage URL), the step that builds its request from <see cref="State"/>; called per attempt.
    /// </summary>
    public Func<object?, HttpRequestMessage>? Build { get; init; }
}

/// <summary>Calls that do not need <see cref="FalCall{T}"/>'s allocation-free form.</summary>
internal static class FalCall
{
    /// <summary>
    /// A call whose request <paramref name="build"/> makes (per attempt) and whose answer <paramref name="parse"/>
    /// reads, both closures: for storage's uploads (to URLs the answers name, with their own headers), where a
    /// closure per call costs nothing next to the bytes sent.
    /// </summary>
    public static FalCall<T> Built<T>(string operation, Func<HttpRequestMessage> build, Func<HttpResponseMessage, byte[], T> parse, FalRetryRule retry, IScheduler scheduler) =>
        new()
        {
            Operation = operation,
            Retry = retry,
            Scheduler = scheduler,
            State = build,
            Build = static state => ((Func<HttpRequestMessage>)state!)(),
            Parse = answer => parse(answer.Response, answer.Body),
        };
}

/// <summary>A success answer as the parse step sees it.</summary>
/// <param name="Response">The response (its headers: the request id, the ETag).</param>
/// <param name="Body">The body, read up to the call's bound.</param>
/// <param name="RequestId">The call's request id.</param>
/// <param name="State">The call's <see cref="FalCall{T}.State"/>.</param>
internal readonly record struct FalAnswer(HttpResponseMessage Response, byte[] Body, string? RequestId, object? State)
{
    /// <summary>Gets how many log entries the read left out of <see cref="Body"/> (<see cref="FalCall{T}.LogTail"/>).</summary>
    public int OmittedLogs { get; init; }
}
