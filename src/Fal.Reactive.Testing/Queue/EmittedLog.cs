namespace Fal.Reactive.Testing;

/// <summary>A log line a running request has emitted, stamped with scheduler time.</summary>
internal sealed record EmittedLog(string Message, string Level, DateTimeOffset Timestamp);
