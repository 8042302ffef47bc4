using System.Text;

namespace Fal.Reactive.Tests.Protocol;

/// <summary>
/// A status answer with logs is read as it arrives, keeping the newest entries: the bound holds for what is kept,
/// not for what fal sends (every line so far, on every poll), and a hostile answer is still refused at the bound.
/// </summary>
public class StatusLogTailTests
{
    private const long Limit = 1024 * 1024;

    private static byte[] Answer(int lines, int lineLength = 120, string status = "IN_PROGRESS", string extra = "")
    {
        var text = new StringBuilder("{\"status\":\"").Append(status).Append("\",\"request_id\":\"req-1\",\"logs\":[");
        for (var i = 0; i < lines; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("{\"message\":\"line ").Append(i).Append(' ').Append('x', lineLength)
                .Append("\",\"level\":\"INFO\",\"source\":\"USER\",\"timestamp\":\"2026-12-01T12:00:00Z\"}");
        }

        return Encoding.UTF8.GetBytes(text.Append(']').Append(extra).Append(",\"metrics\":{\"inference_time\":1.5}}").ToString());
    }

    private static (byte[] Body, int Omitted) Read(byte[] answer, int maxLines, long limit = Limit) =>
        StatusLogTail.ReadAsync(async: false, new MemoryStream(answer), limit, maxLines, "req-1", CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void AnAnswerWith4MiBOfLogs_IsRead_KeepingTheNewestLines_AndTheRestOfTheAnswer()
    {
        var answer = Answer(lines: 20_000, status: "COMPLETED");
        answer.Length.Should().BeGreaterThan(4 * (int)Limit);

        var (body, omitted) = Read(answer, maxLines: 1000);

        omitted.Should().Be(19_000);
        var status = FalWire.ParseStatus(body, "req-1", withLogs: true).Should().BeOfType<Completed>().Which;
        status.Logs!.Should().HaveCount(1000);
        status.Logs![0].Message.Should().StartWith("line 19000 ");
        status.Logs![^1].Message.Should().StartWith("line 19999 ");
        status.Metrics.InferenceTime.Should().Be(1.5);
    }

    [Fact]
    public void AnAnswerWithinTheBounds_ComesBackAsTheSameStatus()
    {
        var answer = Answer(lines: 30);

        var (body, omitted) = Read(answer, maxLines: 1000);

        omitted.Should().Be(0);
        FalWire.ParseStatus(body, "req-1", withLogs: true).Should().Be(FalWire.ParseStatus(answer, "req-1", withLogs: true));
    }

    [Fact]
    public void KeptLines_AreAlsoBoundedInBytes_TheOldestGoingFirst()
    {
        // 1,000 lines of about 1 KiB each: 1 MiB would not hold them with the rest; the newest that fit are kept.
        var (body, omitted) = Read(Answer(lines: 1000, lineLength: 1024), maxLines: 1000, limit: 256 * 1024);

        body.Length.Should().BeLessThanOrEqualTo(256 * 1024);
        var logs = FalWire.ParseStatus(body, "req-1", withLogs: true).Should().BeOfType<InProgress>().Which.Logs!;
        (logs.Count + omitted).Should().Be(1000);
        logs[^1].Message.Should().StartWith("line 999 ");
    }

    [Fact]
    public void ASingleLogLineOverTheBound_IsRefused()
    {
        var read = () => Read(Answer(lines: 3, lineLength: 300 * 1024), maxLines: 1000, limit: 256 * 1024);

        read.Should().Throw<FalProtocolException>().Which.Should().Match<FalProtocolException>(e => e.RequestId == "req-1" && e.Message.Contains("log entry"));
    }

    [Fact]
    public void AHugeFieldOutsideTheLogs_IsRefused()
    {
        var read = () => Read(Answer(lines: 3, extra: ",\"pad\":\"" + new string('p', 300 * 1024) + "\""), maxLines: 1000, limit: 256 * 1024);

        read.Should().Throw<FalProtocolException>().WithMessage("*more than the bound besides its logs*MaxStatusBytes*");
    }

    [Fact]
    public void AnAnswerThatIsNotJson_IsSaidToBeNotJson()
    {
        var read = () => Read(Encoding.UTF8.GetBytes("{\"status\":\"IN_PROGRESS\",\"logs\":[{\"message\":"), maxLines: 10);

        read.Should().Throw<FalProtocolException>().WithMessage("Request req-1: the status answer is not JSON*");
    }

    [Fact]
    public async Task ReadingAnAnswerWith4MiBOfLogs_AllocatesAboutWhatIsKept_NotWhatWasSent()
    {
        var answer = Answer(lines: 20_000);
        Read(answer, maxLines: 1000);   // warm-up: the pool's first rents, the JIT
        var streams = Enumerable.Range(0, 5).Select(_ => new MemoryStream(answer)).ToList();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var stream in streams)
        {
            // Synchronous reads, so every allocation is on this thread.
            await StatusLogTail.ReadAsync(async: false, stream, Limit, 1000, "req-1", CancellationToken.None);
        }

        var perRead = (GC.GetAllocatedBytesForCurrentThread() - before) / streams.Count;
        // What is kept: 1,000 lines of about 200 bytes (pooled), and the answer rebuilt from them.
        perRead.Should().BeLessThan(512 * 1024, $"a read of {answer.Length:N0} bytes holds the 1,000 lines kept, not the 20,000 sent");
    }
}
