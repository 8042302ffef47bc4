using System.Text;

namespace Fal.Reactive.Tests.Protocol;

public class FalEventStreamTests
{
    private static async Task<List<string>> ReadAll(string body, long maxEventBytes = 1 << 20)
    {
        using var response = new HttpResponseMessage { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") };
        var events = new List<string>();
        await foreach (var data in FalEventStream.ReadAsync(response, maxEventBytes, "status stream", "req-1", idle: null, CancellationToken.None))
        {
            events.Add(Encoding.UTF8.GetString(data));
        }

        return events;
    }

    [Fact]
    public async Task ReadAsync_YieldsEachEventsData_SkippingCommentsAndEmptyEvents()
    {
        const string body = ": keep-alive\n\ndata: {\"a\":1}\n\nevent: ping\ndata:\n\ndata: {\"b\":\ndata: 2}\n\n";

        var events = await ReadAll(body);

        events.Should().Equal("{\"a\":1}", "{\"b\":\n2}");
    }

    [Fact]
    public async Task ReadAsync_AnEventOverTheBound_EndsWithFalProtocolException_NotAnEndlessBuffer()
    {
        var body = "data: {\"a\":1}\n\ndata: \"" + new string('x', 200_000) + "\"\n\n";

        var read = () => ReadAll(body, maxEventBytes: 100_000);

        (await read.Should().ThrowAsync<FalProtocolException>()).Which.RequestId.Should().Be("req-1");
    }

    [Fact]
    public async Task ReadAsync_ManySmallEvents_AddUpPastTheBound_WithoutFailing()
    {
        var body = string.Concat(Enumerable.Repeat("data: {\"a\":1}\n\n", 20_000));

        var events = await ReadAll(body, maxEventBytes: 100_000);

        events.Should().HaveCount(20_000);
    }
}
