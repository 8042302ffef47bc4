namespace Fal.Reactive;

/// <summary>Client for the fal.ai inference queue.</summary>
public class FalClient
{
}
