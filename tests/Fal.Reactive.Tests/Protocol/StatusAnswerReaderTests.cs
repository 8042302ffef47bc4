using System.Text;

namespace Fal.Reactive.Tests.Protocol;

/// <summary>
/// The in-place reader of common poll answers must answer exactly what the full reading answers, and leave every
/// other answer (and every malformed one) to it.
/// </summary>
public class StatusAnswerReaderTests
{
    public static TheoryData<string, bool> Answers => new()
    {
        { """{"status":"IN_QUEUE","queue_position":3,"request_id":"r1"}""", false },
        { """{"status":"IN_QUEUE","queue_position":0}""", true },
        { """{"request_id":"r1","queue_position":7,"status":"IN_QUEUE","response_url":"https://queue.fal.run/x"}""", false },
        { """{"status":"IN_PROGRESS","request_id":"r1","logs":null}""", false },
        { """{"status":"IN_PROGRESS","request_id":"r1","logs":null}""", true },
        { """{"status":"IN_PROGRESS","logs":[{"message":"step 1"}]}""", false },
        { """{"status":"IN_PROGRESS","logs":[{"message":"step 1"}]}""", true },
        { """{"status":"IN_PROGRESS","metrics":{"a":[1,{"b":null}]},"request_id":null}""", false },
        { """{"status":"IN\u005FPROGRESS","request_id":"r\u0031"}""", false },
        { """ {"status":"IN_PROGRESS"} """, false },
        { """{"status":"COMPLETED","request_id":"r1","metrics":{"inference_time":1.5}}""", false },
        { """{"status":"IN_QUEUE","queue_position":2.5}""", false },
        { """{"status":"IN_QUEUE","queue_position":"2"}""", false },
        { """{"status":"IN_QUEUE","queue_position":null}""", false },
        { """{"status":"IN_QUEUE"}""", false },
        { """{"status":"IN_QUEUE","queue_position":-1}""", false },
        { """{"status":"IN_PROGRESS","request_id":"r2"}""", false },
        { """{"status":"IN_PROGRESS","request_id":5}""", false },
        { """{"status":"IN_PROGRESS","status":"IN_QUEUE","queue_position":1}""", false },
        { """{"status":"in_progress"}""", false },
        { """{"status":7}""", false },
        { """{"queue_position":1}""", false },
        { """{"status":"IN_PROGRESS"} x""", false },
        { """{"status":"IN_PROGRESS",}""", false },
        { "{\"status\":\"IN_PROGRESS\"", false },
        { """[{"status":"IN_PROGRESS"}]""", false },
        { """not json""", false },
        { "", false },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void TryRead_AnswersAsTheFullReadingOrDeclines(string body, bool withLogs)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var full = Record.Exception(() => FalWire.ParseStatusInFull(bytes, "r1", withLogs)) is null
            ? FalWire.ParseStatusInFull(bytes, "r1", withLogs)
            : null;

        if (StatusAnswerReader.TryRead(bytes, "r1", withLogs, out var read))
        {
            full.Should().NotBeNull("the full reading accepts whatever the in-place reader accepts");
            read.Should().Be(full);
            read!.GetType().Should().Be(full!.GetType());
        }
        else if (full is null)
        {
            // Declined a malformed answer: the full reading's error, which names what is wrong, is what a poll gets.
            FluentActions.Invoking(() => FalWire.ParseStatus(bytes, "r1", withLogs)).Should().Throw<FalProtocolException>();
        }
        else
        {
            FalWire.ParseStatus(bytes, "r1", withLogs).Should().Be(full, "a declined answer is read in full");
        }
    }

    [Theory]
    [InlineData("""{"status":"IN_QUEUE","queue_position":4,"request_id":"r1"}""")]
    [InlineData("""{"status":"IN_PROGRESS","logs":null,"metrics":{}}""")]
    public void TryRead_CommonPollAnswers_AreReadInPlace(string body) =>
        StatusAnswerReader.TryRead(Encoding.UTF8.GetBytes(body), "r1", withLogs: false, out _).Should().BeTrue();
}
