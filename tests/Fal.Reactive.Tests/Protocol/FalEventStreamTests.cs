using System.Text;

namespace Fal.Reactive.Tests.Protocol;

public class FalEventStreamTests
{
    [Fact]
    public async Task ReadAsync_YieldsEachEventsData_SkippingCommentsAndEmptyEvents()
    {
        const string body = ": keep-alive\n\ndata: {\"a\":1}\n\nevent: ping\ndata:\n\ndata: {\"b\":\ndata: 2}\n\n";
        using var response = new HttpResponseMessage { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") };

        var events = new List<string>();
        await foreach (var data in FalEventStream.ReadAsync(response, CancellationToken.None))
        {
            events.Add(Encoding.UTF8.GetString(data));
        }

        events.Should().Equal("{\"a\":1}", "{\"b\":\n2}");
    }
}
