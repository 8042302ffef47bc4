namespace Fal.Reactive.Bench.InFlight;

/// <summary>Counts the status polls (<c>GET …/status</c>) passing to the simulator's handler, to divide allocations by.</summary>
internal sealed class StatusCallCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private long _polls;

    public long Polls => Interlocked.Read(ref _polls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Count(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Count(request);
        return base.Send(request, cancellationToken);
    }

    private void Count(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _polls);
        }
    }
}
