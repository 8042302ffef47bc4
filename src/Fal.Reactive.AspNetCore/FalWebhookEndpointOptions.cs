namespace Fal.Reactive.AspNetCore;

/// <summary>Options for the endpoint <see cref="FalWebhookEndpointRouteBuilderExtensions.MapFalWebhooks"/> maps.</summary>
public sealed class FalWebhookEndpointOptions
{
    /// <summary>The largest body accepted, in bytes; a larger delivery is answered 413 unread. Default 16 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;
}
