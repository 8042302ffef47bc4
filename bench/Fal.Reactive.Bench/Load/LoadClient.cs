namespace Fal.Reactive.Bench.Load;

/// <summary>A FalClient on its own HttpClient pointed at the emulator, as an application would configure one.</summary>
internal static class LoadClient
{
    public const string App = "emulator/echo";

    public static (HttpClient Http, FalClient Client) Create(Uri baseUrl, TimeSpan pollInterval)
    {
        // A bounded pool, as a real application has: 10,000 observables share 256 connections.
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromMinutes(5) };
        var client = new FalClient(http, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey("bench"),
            QueueUrl = baseUrl,
            RunUrl = new Uri(baseUrl, "_run/"),
            RestUrl = new Uri(baseUrl, "_rest/"),
            ApiUrl = new Uri(baseUrl, "_api/"), // the request listing a durable batch settles an ambiguous submit with
            PollInterval = pollInterval,
        });
        return (http, client);
    }

    /// <summary>One request's outcome, counted: completed with a result, or the kind of error it ended with.</summary>
    /// <param name="client">The client.</param>
    /// <param name="i">The request's number, sent as input.</param>
    /// <param name="runSeconds">How long the echo app runs (its default is 0.01 s).</param>
    public static IObservable<string> Outcome(FalClient client, int i, double runSeconds = 0.01) =>
        System.Reactive.Linq.Observable.Create<string>(observer => client.Submit(App, new { i, run_seconds = runSeconds }).Subscribe(
            _ => { },
            error => { observer.OnNext(error.GetType().Name); observer.OnCompleted(); },
            () => { observer.OnNext("completed"); observer.OnCompleted(); }));
}
