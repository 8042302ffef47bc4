using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fal.Reactive;

/// <summary>
/// The request has finished. From <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> and <see cref="FalRequestHandle.Events"/>
/// it carries the output in <see cref="Result"/>; a request that finished with an error ends those
/// sequences with a <see cref="FalHttpException"/> instead.
/// </summary>
/// <param name="RequestId">The id fal gave the request.</param>
/// <param name="Logs">
/// The log entries: the newest <see cref="FalClientOptions.MaxLogLines"/> of them (see <see cref="OmittedLogCount"/>), or
/// <see langword="null"/> when logs were not requested.
/// </param>
/// <param name="Metrics">What fal measured (inference time); empty for apps that report none.</param>
/// <param name="Error">The error message fal reported on the status, if the request failed.</param>
/// <param name="ErrorType">The error type fal reported (e.g. <c>request_timeout</c>), if any.</param>
/// <param name="Result">The output JSON, when it has been fetched.</param>
public sealed record Completed(
    string RequestId,
    IReadOnlyList<FalLog>? Logs,
    FalMetrics Metrics,
    string? Error,
    string? ErrorType,
    JsonElement? Result) : FalStatus(RequestId)
{
    /// <summary>
    /// Gets how many of the request's older log entries are not in <see cref="Logs"/>: the client keeps the newest
    /// <see cref="FalClientOptions.MaxLogLines"/> (1,000 by default) whether it polls or streams, so <c>Logs[i]</c> is the
    /// request's entry number <c>OmittedLogCount + i</c>, counted from 0. Zero while every entry fits.
    /// </summary>
    public int OmittedLogCount { get; init; }

    /// <summary>Deserializes <see cref="Result"/> into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The output type of the app.</typeparam>
    /// <returns>The deserialized output.</returns>
    /// <exception cref="InvalidOperationException">The status carries no result.</exception>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public T GetResult<T>() =>
        FalJson.Deserialize<T>(ResultOrThrow(), options: null, RequestId);

    /// <summary>Deserializes <see cref="Result"/> with source-generated metadata (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The output type of the app.</typeparam>
    /// <param name="outputType">The type's metadata, e.g. <c>MyJsonContext.Default.MyOutput</c>.</param>
    /// <returns>The deserialized output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputType"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The status carries no result.</exception>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    public T GetResult<T>(JsonTypeInfo<T> outputType)
    {
        ArgumentNullException.ThrowIfNull(outputType);
        return FalJson.Deserialize(ResultOrThrow(), outputType, RequestId);
    }

    private JsonElement ResultOrThrow() =>
        Result ?? throw new InvalidOperationException(
            $"Request {RequestId} carries no result: only statuses from Submit, Events and IterEvents fetch it.");

    /// <inheritdoc/>
    public bool Equals(Completed? other) =>
        other is not null
        && RequestId == other.RequestId
        && OmittedLogCount == other.OmittedLogCount
        && FalValueEquality.LogsEqual(Logs, other.Logs)
        && Equals(Metrics, other.Metrics)
        && Error == other.Error
        && ErrorType == other.ErrorType
        && FalValueEquality.JsonEqual(Result, other.Result);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RequestId, Logs?.Count, Metrics, Error, ErrorType);

    /// <inheritdoc/>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RequestId = ").Append(RequestId).Append(", Logs = ");
        FalValueEquality.PrintLogs(builder, Logs);
        FalValueEquality.PrintOmitted(builder, OmittedLogCount);
        builder.Append(", Metrics = ").Append(Metrics);
        if (Error is not null)
        {
            builder.Append(", Error = ").Append(Error).Append(", ErrorType = ").Append(ErrorType);
        }

        builder.Append(", Result = ").Append(Result is { } r ? r.GetRawText() : "null");
        return true;
    }
}
