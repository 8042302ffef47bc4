using System.Text;
using Xunit.Abstractions;

namespace Fal.Reactive.Tests.Protocol;

/// <summary>
/// What one large server-sent event costs in memory, from the wire to the parsed result (the `/stream` path:
/// <see cref="FalEventStream"/>, then <see cref="FalWire.ParseResult"/>). The body answers synchronously, so every
/// allocation is on the test's thread.
/// </summary>
public sealed class StreamEventMemoryTests(ITestOutputHelper output)
{
    private const int Data = 16 * 1024 * 1024;

    [Fact]
    public async Task AnEventOf16MiB_CostsAStatedMultipleOfItsSize()
    {
        var wire = Encoding.UTF8.GetBytes("data: \"" + new string('x', Data - 2) + "\"\n\n");
        // The first read also rents the parser's pooled line and data buffers (kept by the pool afterwards): with a
        // cold pool it shows the peak; the second read shows what each further event of that size allocates.
        var cold = GC.GetAllocatedBytesForCurrentThread();
        await ReadOneAsync(wire);
        cold = GC.GetAllocatedBytesForCurrentThread() - cold;
        output.WriteLine($"first {Data:N0}-byte event (pools cold): {cold:N0} bytes allocated ({(double)cold / Data:0.00}x the event)");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await ReadOneAsync(wire);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        result.GetString()!.Length.Should().Be(Data - 2);
        output.WriteLine($"one {Data:N0}-byte event: {allocated:N0} bytes allocated ({(double)allocated / Data:0.00}x the event), the result string excluded: {(double)(allocated - 2L * Data) / Data:0.00}x");
        allocated.Should().BeLessThan(3L * Data, "each further event: one copy out of the parser, one into the result's document");
        cold.Should().BeLessThan(9L * Data, "the known cost stated in docs/reliability.md (8x for this size): a cheaper parser would lower it");
    }

    private static async Task<System.Text.Json.JsonElement> ReadOneAsync(byte[] wire)
    {
        using var response = new HttpResponseMessage { Content = new ByteArrayContent(wire) };
        var events = FalEventStream.ReadAsync(response, maxEventBytes: 2L * Data, "stream", "req-1", idle: null, CancellationToken.None).GetAsyncEnumerator();
        await using var scope = events.ConfigureAwait(false);
        var next = events.MoveNextAsync();
        next.IsCompleted.Should().BeTrue("a byte-array body answers synchronously: the measure sees every allocation");
        (await next).Should().BeTrue();
        return FalWire.ParseResult(events.Current, "req-1")!.Value;
    }
}
