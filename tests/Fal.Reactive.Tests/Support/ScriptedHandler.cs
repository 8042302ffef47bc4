namespace Fal.Reactive.Tests.Support;

/// <summary>
/// A hostile or faulty server in the test: answers the calls <paramref name="answer"/> takes (a non-null
/// task) and passes the rest on to the inner handler (usually a FalSimulator's). Records every request.
/// </summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>?> answer) : DelegatingHandler
{
    private readonly List<HttpRequestMessage> _requests = [];

    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A call that never answers; it ends only when cancelled (a stalled server).</summary>
    public static async Task<HttpResponseMessage> Stall(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return answer(request, cancellationToken) is { } scripted
            ? Attach(scripted, request)
            : base.SendAsync(request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> Attach(Task<HttpResponseMessage> scripted, HttpRequestMessage request)
    {
        var response = await scripted;
        response.RequestMessage ??= request;
        return response;
    }
}
