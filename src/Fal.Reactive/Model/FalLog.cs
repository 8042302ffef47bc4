namespace Fal.Reactive;

/// <summary>One log line a runner emitted while processing a request.</summary>
/// <param name="Message">The text of the line.</param>
/// <param name="Level">fal's level (<c>INFO</c>, <c>STDOUT</c>, <c>STDERR</c>, <c>ERROR</c>, ...), when given.</param>
/// <param name="Source">Where it came from (<c>USER</c> for the app's own output), when given.</param>
/// <param name="Timestamp">When the runner emitted it, when given.</param>
public sealed record FalLog(string Message, string? Level, string? Source, DateTimeOffset? Timestamp);
