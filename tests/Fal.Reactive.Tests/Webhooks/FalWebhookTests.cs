using System.Text;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>Reading fal's webhook body: the documented shapes, and bad input as a result, never an exception.</summary>
public sealed class FalWebhookTests
{
    [Fact]
    public void DocumentedSuccess_IsReadWithItsPayload()
    {
        var ok = FalWebhook.TryParse(Json("""
            {"request_id":"123e4567-e89b-12d3-a456-426614174000","gateway_request_id":"123e4567-e89b-12d3-a456-426614174001",
             "status":"OK","payload":{"images":[{"url":"https://url.to/image.png","width":1024}],"seed":196619188014358660}}
            """), out var webhook, out var error);

        ok.Should().BeTrue(error);
        webhook!.RequestId.Should().Be("123e4567-e89b-12d3-a456-426614174000");
        webhook.GatewayRequestId.Should().Be("123e4567-e89b-12d3-a456-426614174001");
        webhook.Status.Should().Be(FalWebhookStatus.Ok);
        webhook.IsSuccess.Should().BeTrue();
        webhook.GetPayloadOrThrow().GetProperty("seed").GetUInt64().Should().Be(196619188014358660);
    }

    [Fact]
    public void DocumentedError_ThrowsWithTheRequestIdAndStatusCode()
    {
        FalWebhook.TryParse(Json("""
            {"request_id":"r-1","gateway_request_id":"r-1","status":"ERROR","error":"Invalid status code: 422",
             "payload":{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]}}
            """), out var webhook, out _).Should().BeTrue();

        webhook!.Status.Should().Be(FalWebhookStatus.Error);
        webhook.Error.Should().Be("Invalid status code: 422");
        var read = () => webhook.GetPayloadOrThrow();
        var thrown = read.Should().Throw<FalHttpException>().Which;
        thrown.RequestId.Should().Be("r-1");
        thrown.StatusCode.Should().Be(422);
        thrown.ResponseBody.Should().Contain("field required");
    }

    [Fact]
    public void PayloadError_HasNoPayloadAndSaysWhy()
    {
        FalWebhook.TryParse(Json("""
            {"request_id":"r-2","status":"OK","payload":null,"payload_error":"Response payload is not JSON serializable"}
            """), out var webhook, out _).Should().BeTrue();

        webhook!.Payload.Should().BeNull();
        webhook.PayloadError.Should().Contain("not JSON serializable");
        var read = () => webhook.GetPayloadOrThrow();
        read.Should().Throw<FalHttpException>().WithMessage("*not JSON serializable*");
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("{\"request_id\":", "not JSON")]
    [InlineData("[1,2]", "not an object")]
    [InlineData("{\"status\":\"OK\"}", "request_id")]
    [InlineData("{\"request_id\":7,\"status\":\"OK\"}", "request_id")]
    [InlineData("{\"request_id\":\"r\"}", "no status")]
    [InlineData("{\"request_id\":\"r\",\"status\":\"COMPLETED\"}", "Unknown status 'COMPLETED'")]
    public void BadBody_IsFalseWithTheReason(string body, string reason)
    {
        FalWebhook.TryParse(Json(body), out var webhook, out var error).Should().BeFalse();

        webhook.Should().BeNull();
        error.Should().Contain(reason);
    }

    [Fact]
    public void Payload_OutlivesTheParsedBuffer()
    {
        var buffer = Json("""{"request_id":"r","status":"OK","payload":{"a":1}}""");
        FalWebhook.TryParse(buffer, out var webhook, out _).Should().BeTrue();

        Array.Clear(buffer);

        webhook!.Payload!.Value.GetProperty("a").GetInt32().Should().Be(1);
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
