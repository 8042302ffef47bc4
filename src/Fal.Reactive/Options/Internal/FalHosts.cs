namespace Fal.Reactive;

/// <summary>The fal hosts a client talks to.</summary>
internal readonly record struct FalHosts(Uri QueueUrl, Uri RunUrl, Uri RestUrl, Uri ApiUrl);
