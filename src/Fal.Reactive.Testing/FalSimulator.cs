namespace Fal.Reactive.Testing;

/// <summary>An in-memory fal.ai queue simulator.</summary>
public sealed class FalSimulator
{
}
