namespace Fal.Reactive.Tests.Http;

/// <summary>An announced <c>Content-Length</c> is not memory: the body is held as its bytes arrive, never before.</summary>
public class AnnouncedLengthTests
{
    private const int Reads = 200;
    private const long Announced = 1024 * 1024;

    [Fact]
    public async Task AnswersAnnouncing1MiB_AndSendingAFewBytes_AllocateWhatArrived_NotWhatWasAnnounced()
    {
        // Warm up (the pool's first rent, the JIT) off the measure.
        await ReadOnce();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Reads; i++)
        {
            (await ReadOnce()).Should().HaveCount(16);
        }

        var perRead = (GC.GetAllocatedBytesForCurrentThread() - before) / Reads;
        perRead.Should().BeLessThan(16 * 1024, "a read holds what arrived (and a 4 KiB pooled chunk), not the announced 1 MiB");
    }

    /// <summary>One synchronous read (so every allocation is on this thread) of an answer announcing 1 MiB and sending 16 bytes.</summary>
    private static async Task<byte[]> ReadOnce()
    {
        using var content = new StreamContent(new MemoryStream(new byte[16]));
        content.Headers.ContentLength = Announced;
        return await FalBody.ReadAsync(async: false, content, limit: 2 * Announced, truncate: false, "status", "req-1", CancellationToken.None);
    }
}
