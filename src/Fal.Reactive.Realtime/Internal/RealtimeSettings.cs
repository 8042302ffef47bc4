using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>What a realtime session needs from the client, resolved once at the call.</summary>
internal sealed record RealtimeSettings(
    string AppId,
    Func<string, Uri> Url,
    Func<CancellationToken, Task<string>> FetchToken,
    TimeSpan? TokenLifetime,
    Func<IRealtimeSocket> CreateSocket,
    IScheduler Scheduler,
    FalRetryOptions Reconnect);
