using Fal.Reactive.AspNetCore;
using Xunit.Abstractions;

namespace Fal.Reactive.Tests.AspNetCore;

/// <summary>
/// What one webhook delivery costs in memory once its headers pass: what arrived, never what was announced, and
/// for a body at the bound about the body itself (pooled chunks while it arrives, then one array of its length).
/// The reads complete synchronously (a <see cref="MemoryStream"/>), so every allocation is on the test's thread.
/// </summary>
public sealed class WebhookBodyAllocationTests(ITestOutputHelper output)
{
    private const long Bound = 16 * 1024 * 1024;

    [Fact]
    public async Task ADeliveryAnnouncing16MiB_AndSending1Byte_AllocatesWhatArrived()
    {
        await ReadAsync(1, announced: Bound); // warm-up: the JIT and the pool, off the measure

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            (await ReadAsync(1, announced: Bound))!.Length.Should().Be(1);
        }

        var perDelivery = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        output.WriteLine($"announced 16 MiB, sent 1 byte: {perDelivery:N0} bytes allocated per delivery");
        perDelivery.Should().BeLessThan(16 * 1024, "a delivery holds what arrived (and a 4 KiB chunk), not the announced 16 MiB");
    }

    [Fact]
    public async Task ABodyAtTheBound_AllocatesAboutItsLength()
    {
        await ReadAsync((int)Bound, announced: null); // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        (await ReadAsync((int)Bound, announced: null))!.Length.Should().Be((int)Bound);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"a 16 MiB body without Content-Length: {allocated:N0} bytes allocated ({(double)allocated / Bound:0.00}x the body)");
        allocated.Should().BeLessThan(2 * Bound + 1024 * 1024, "the body is copied once from pooled chunks into an array of its length");
    }

    [Fact]
    public async Task ABodyOverTheBound_WithoutContentLength_StopsAtTheBound()
    {
        (await ReadAsync((int)Bound + 1, announced: null)).Should().BeNull();
        (await ReadAsync(10, announced: Bound + 1)).Should().BeNull("refused by its announced length, unread");
    }

    private static async Task<byte[]?> ReadAsync(int sent, long? announced)
    {
        using var body = new MemoryStream(new byte[sent]);
        var read = WebhookBody.ReadAsync(body, announced, Bound, CancellationToken.None);
        read.IsCompleted.Should().BeTrue("a MemoryStream answers synchronously: the measure sees every allocation");
        return await read;
    }
}
