namespace Fal.Reactive;

/// <summary>A request's priority in fal's queue (header <c>X-Fal-Queue-Priority</c>).</summary>
public enum FalQueuePriority
{
    /// <summary>The default priority.</summary>
    Normal = 0,

    /// <summary>Runs after requests of normal priority.</summary>
    Low = 1,
}
