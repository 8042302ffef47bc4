using System.Globalization;
using System.Text;

namespace Fal.Reactive.Testing;

/// <summary>The answer to a scripted transient fault: a dropped connection, an ingress error page, or a <c>detail</c>.</summary>
internal static class FaultAnswers
{
    public static SimulatorHttpResponse Answer(ScriptFault fault)
    {
        if (fault.DropConnection)
        {
            return SimulatorHttpResponse.Dropped();
        }

        var code = fault.StatusCode.ToString(CultureInfo.InvariantCulture);
        // 502/503/504 look like an ingress error: HTML from nginx, no x-fal-request-id.
        var response = fault.StatusCode is 502 or 503 or 504
            ? SimulatorHttpResponse.Bytes(fault.StatusCode, "text/html", Encoding.UTF8.GetBytes(
                $"<html>\r\n<head><title>{code} Service Unavailable</title></head>\r\n<body>\r\n<center><h1>{code}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
            : SimulatorHttpResponse.Detail(fault.StatusCode, $"Simulated transient failure ({code}).");
        if (fault.RetryAfter is { } retryAfter)
        {
            response.WithHeader("Retry-After", ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (fault.Retryable is { } retryable)
        {
            response.WithHeader("X-Fal-Retryable", retryable ? "true" : "false");
        }

        return response;
    }
}
