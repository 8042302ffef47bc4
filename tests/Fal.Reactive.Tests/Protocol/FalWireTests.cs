using System.Text;
using System.Text.Json;

namespace Fal.Reactive.Tests.Protocol;

public class FalWireTests
{
    private static byte[] Json(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ParseStatus_InQueue_ReadsPosition() =>
        FalWire.ParseStatus(Json("""{"status":"IN_QUEUE","queue_position":3,"request_id":"r1"}"""), "r1", withLogs: false)
            .Should().Be(new Queued("r1", 3));

    [Fact]
    public void ParseStatus_InProgress_WithoutLogsRequested_HasNullLogs() =>
        FalWire.ParseStatus(Json("""{"status":"IN_PROGRESS","logs":null}"""), "r1", withLogs: false)
            .Should().Be(new InProgress("r1", null));

    [Fact]
    public void ParseStatus_Logs_ReadsTopLevelAndLegacyLabels()
    {
        var status = FalWire.ParseStatus(Json("""
            {"status":"IN_PROGRESS","logs":[
              {"message":"step 1","level":"INFO","source":"USER","timestamp":"2026-01-02T03:04:05Z"},
              {"message":"step 2","labels":{"level":"STDERR","source":"USER"}}]}
            """), "r1", withLogs: true);

        status.Should().Be(new InProgress("r1", [
            new FalLog("step 1", "INFO", "USER", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
            new FalLog("step 2", "STDERR", "USER", null),
        ]));
    }

    [Fact]
    public void ParseStatus_Completed_ReadsMetricsAndError() =>
        FalWire.ParseStatus(Json("""{"status":"COMPLETED","logs":[],"metrics":{"inference_time":1.5},"error":"Runner disconnected","error_type":"runner_disconnected"}"""), "r1", withLogs: true)
            .Should().Be(new Completed("r1", [], new FalMetrics(1.5) { Values = JsonDocument.Parse("""{"inference_time":1.5}""").RootElement }, "Runner disconnected", "runner_disconnected", null));

    [Fact]
    public void ParseStatus_CompletedWithoutMetrics_HasEmptyMetrics() =>
        FalWire.ParseStatus(Json("""{"status":"COMPLETED"}"""), "r1", withLogs: false)
            .Should().Be(new Completed("r1", null, FalMetrics.Empty, null, null, null));

    [Theory]
    [InlineData("""{"status":"FAILED"}""", "unknown status 'FAILED'")]
    [InlineData("""{"queue_position":1}""", "no 'status' field")]
    [InlineData("""{"status":"IN_QUEUE"}""", "no queue_position")]
    [InlineData("""{"status":"IN_QUEUE","queue_position":-1}""", "non-negative")]
    [InlineData("""{"status":"IN_PROGRESS","logs":"x"}""", "'logs' must be an array")]
    [InlineData("""not json""", "not JSON")]
    [InlineData("""[1,2]""", "not a JSON object")]
    public void ParseStatus_Malformed_ThrowsProtocolExceptionWithRequestId(string body, string expected)
    {
        var act = () => FalWire.ParseStatus(Json(body), "req-9", withLogs: true);

        var e = act.Should().Throw<FalProtocolException>().Which;
        e.RequestId.Should().Be("req-9");
        e.Message.Should().Contain(expected).And.Contain("req-9");
    }

    [Fact]
    public void ParseSubmit_ReadsIdPositionAndUrls()
    {
        var answer = FalWire.ParseSubmit(Json("""
            {"status":"IN_QUEUE","request_id":"abc","queue_position":0,
             "status_url":"https://queue.fal.run/fal-ai/flux/requests/abc/status",
             "response_url":"https://queue.fal.run/fal-ai/flux/requests/abc",
             "cancel_url":"https://queue.fal.run/fal-ai/flux/requests/abc/cancel"}
            """));

        answer.RequestId.Should().Be("abc");
        answer.QueuePosition.Should().Be(0);
        answer.CancelUrl.Should().Be(new Uri("https://queue.fal.run/fal-ai/flux/requests/abc/cancel"));
    }

    [Fact]
    public void ParseSubmit_WithoutRequestId_Throws() =>
        FluentActions.Invoking(() => FalWire.ParseSubmit(Json("""{"status":"IN_QUEUE"}""")))
            .Should().Throw<FalProtocolException>().WithMessage("*request_id*");
}
