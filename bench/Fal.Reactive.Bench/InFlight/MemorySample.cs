using Fal.Reactive.Bench.Load;

namespace Fal.Reactive.Bench.InFlight;

/// <summary>
/// One memory reading: the managed heap after a full blocking collection (what is still reachable), the GC's own
/// heap size after that collection (live objects plus fragmentation), the process's resident memory, and the bytes
/// allocated so far and the status polls so far (allocations per poll between two samples).
/// </summary>
internal readonly record struct MemorySample(long HeapBytes, long GcHeapBytes, long RssKb, long AllocatedBytes, long Polls)
{
    public static MemorySample Take(long polls = 0)
    {
        // Allocated first: the collection itself must not count, and it allocates little, but read it before anyway.
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return new MemorySample(heap, info.HeapSizeBytes, ProcStatus.Self().RssKb, allocated, polls);
    }
}
