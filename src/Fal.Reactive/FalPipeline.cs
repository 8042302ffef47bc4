using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// What a <see cref="FalClient"/> sends through and waits on: its <see cref="System.Net.Http.HttpClient"/>, fal's
/// hosts as configured and its scheduler. The seam the feature packages (<c>Fal.Reactive.Webhooks</c>,
/// <c>Fal.Reactive.Realtime</c>) build on, and what code composing with a client needs to use the same time and
/// hosts (<c>.Timeout(TimeSpan.FromSeconds(30), fal.Pipeline.Scheduler)</c>).
/// </summary>
/// <remarks>
/// The key is not here and is never on the <see cref="HttpClient"/>: the client adds it per request, to fal's hosts
/// only. The <see cref="HttpClient"/> belongs to the client (or to whoever gave it): do not dispose it.
/// </remarks>
public sealed class FalPipeline
{
    /// <summary>A pipeline, for a test double of <see cref="FalClient"/> (a client makes its own).</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="queueUrl">The queue host (<see cref="FalClientOptions.QueueUrl"/>).</param>
    /// <param name="runUrl">The run host (<see cref="FalClientOptions.RunUrl"/>), where realtime apps listen too.</param>
    /// <param name="restUrl">The REST host (<see cref="FalClientOptions.RestUrl"/>): storage, tokens, webhook keys.</param>
    /// <param name="scheduler">The scheduler every wait goes through.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public FalPipeline(HttpClient httpClient, Uri queueUrl, Uri runUrl, Uri restUrl, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentNullException.ThrowIfNull(runUrl);
        ArgumentNullException.ThrowIfNull(restUrl);
        ArgumentNullException.ThrowIfNull(scheduler);
        HttpClient = httpClient;
        QueueUrl = queueUrl;
        RunUrl = runUrl;
        RestUrl = restUrl;
        Scheduler = scheduler;
    }

    /// <summary>Gets the HTTP client every call goes through (and so its handlers).</summary>
    public HttpClient HttpClient { get; }

    /// <summary>Gets the queue host, e.g. <c>https://queue.fal.run/</c>.</summary>
    public Uri QueueUrl { get; }

    /// <summary>Gets the run host, e.g. <c>https://fal.run/</c>.</summary>
    public Uri RunUrl { get; }

    /// <summary>Gets the REST host, e.g. <c>https://rest.fal.ai/</c>.</summary>
    public Uri RestUrl { get; }

    /// <summary>Gets the scheduler the client's polls, retries and timeouts wait on.</summary>
    public IScheduler Scheduler { get; }
}
