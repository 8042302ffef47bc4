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
    public static Task<HttpResponseMessage> Stall(CancellationToken cancellationToken)
    {
        // Cancelled inline by the token, so virtual time sees the call end at the tick it is cancelled.
        var stalled = new TaskCompletionSource<HttpResponseMessage>();
        cancellationToken.Register(() => stalled.TrySetCanceled(cancellationToken));
        return stalled.Task;
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

    private static Task<HttpResponseMessage> Attach(Task<HttpResponseMessage> scripted, HttpRequestMessage request) =>
        scripted.ContinueWith(
            done =>
            {
                var response = done.GetAwaiter().GetResult();
                response.RequestMessage ??= request;
                return response;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
