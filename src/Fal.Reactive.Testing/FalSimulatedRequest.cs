using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>A snapshot of one request held by a <see cref="FalSimulator"/>, taken when <see cref="FalSimulator.Requests"/> was read.</summary>
public sealed record FalSimulatedRequest
{
    /// <summary>Gets the request id the simulator gave out.</summary>
    public required string RequestId { get; init; }

    /// <summary>Gets the id of the mapped app that serves the request, e.g. <c>fal-ai/fast-sdxl</c>.</summary>
    public required string AppId { get; init; }

    /// <summary>Gets the sub-path after the app id, e.g. <c>/image-to-image</c>; empty when there is none.</summary>
    public required string Path { get; init; }

    /// <summary>Gets how the request reached the simulator.</summary>
    public required FalSimulatedRequestKind Kind { get; init; }

    /// <summary>Gets the state the request was in when the snapshot was taken.</summary>
    public required FalSimulatedRequestState State { get; init; }

    /// <summary>Gets the 0-based queue position while <see cref="State"/> is <see cref="FalSimulatedRequestState.Queued"/>.</summary>
    public int? QueuePosition { get; init; }

    /// <summary>Gets the scheduler time at which the request arrived.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Gets the scheduler time at which a worker started it, if one did.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets the scheduler time at which it finished (completed, failed or cancelled).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the HTTP status code of its result, once it has one.</summary>
    public int? ResultStatusCode { get; init; }

    /// <summary>Gets the queue priority from <c>X-Fal-Queue-Priority</c>: <c>normal</c> or <c>low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>Gets the value of <c>X-Fal-Runner-Hint</c>, if sent.</summary>
    public string? Hint { get; init; }

    /// <summary>Gets the <c>fal_webhook</c> URL, if sent.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Gets the start timeout from <c>X-Fal-Request-Timeout</c>, if sent.</summary>
    public TimeSpan? StartTimeout { get; init; }

    /// <summary>Gets the raw JSON of <c>X-Fal-Object-Lifecycle-Preference</c> (how long the outputs are kept), if sent.</summary>
    public string? ObjectLifecycle { get; init; }

    /// <summary>Gets the JSON input the request carried.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>Gets a value indicating whether a cancel call reached the request before it finished.</summary>
    public bool CancelRequested { get; init; }
}
