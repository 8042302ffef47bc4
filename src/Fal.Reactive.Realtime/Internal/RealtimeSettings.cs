using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// What a realtime session needs from the client, resolved once at the call. <c>Url</c> takes the temporary token
/// (null in header-auth mode); <c>HeaderAuthorization</c>, when set, is header-auth mode (fal_client's
/// <c>use_jwt=False</c>): the <c>Authorization</c> value for the handshake, and no token.
/// </summary>
internal sealed record RealtimeSettings(
    string AppId,
    Func<string?, Uri> Url,
    Func<CancellationToken, Task<string>> FetchToken,
    TimeSpan? TokenLifetime,
    Func<IRealtimeSocket> CreateSocket,
    IScheduler Scheduler,
    FalRetryOptions Reconnect,
    IFalRealtimeCodec Codec,
    Func<CancellationToken, ValueTask<string>>? HeaderAuthorization);
