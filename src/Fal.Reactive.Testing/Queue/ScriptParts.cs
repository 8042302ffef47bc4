using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>A log line a script emits at an offset from the run start.</summary>
internal sealed record ScriptLog(TimeSpan Offset, string Message, string Level);

/// <summary>A partial output a script streams at an offset from the run start.</summary>
internal sealed record ScriptEvent(TimeSpan Offset, JsonElement Data);

/// <summary>A transient fault answered instead of the first <see cref="Count"/> calls of <see cref="Kind"/>.</summary>
internal sealed record ScriptFault(FalCallKind Kind, int Count, int StatusCode, TimeSpan? RetryAfter, bool DropConnection, bool? Retryable = null);
