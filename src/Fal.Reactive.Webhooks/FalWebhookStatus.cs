namespace Fal.Reactive;

/// <summary>The <c>status</c> of a fal webhook: whether the request succeeded.</summary>
public enum FalWebhookStatus
{
    /// <summary><c>OK</c>: the request succeeded and <see cref="FalWebhook.Payload"/> holds its output.</summary>
    Ok,

    /// <summary><c>ERROR</c>: the request failed; <see cref="FalWebhook.Error"/> says how and <see cref="FalWebhook.Payload"/> may hold the detail.</summary>
    Error,
}
