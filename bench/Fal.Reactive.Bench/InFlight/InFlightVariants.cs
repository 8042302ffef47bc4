using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Bench.InFlight;

/// <summary>The simulator alone: requests submitted over its handler and never polled. What every other variant's figure includes.</summary>
internal sealed class SimulatorOnlyVariant(int n, TimeSpan interval, TimeSpan runTime) : InFlightVariant(n, interval, runTime)
{
    private static readonly string s_body = System.Text.Json.JsonSerializer.Serialize(Input);

    public override string Name => "simulator alone";

    public override void Start(int i)
    {
        using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(Simulator.QueueUrl, App))
        {
            Content = new StringContent(s_body, System.Text.Encoding.UTF8, "application/json"),
        };
        submit.Headers.TryAddWithoutValidation("Authorization", "Key bench");
        using var answer = Http.Send(submit);
        if (!answer.IsSuccessStatusCode)
        {
            OnFinished(failed: true);
        }
    }

    // Nobody polls: a request is in flight until the simulator has run it.
    public override int InFlight(int started) =>
        Simulator.Requests.Count(r => r.State is FalSimulatedRequestState.Queued or FalSimulatedRequestState.Running);
}

/// <summary>
/// The yardstick: the bare HttpClient loop (submit, status until COMPLETED, result), each wait a pending
/// <see cref="TaskCompletionSource"/> completed by an item on the same virtual-time scheduler.
/// </summary>
internal sealed class BareLoopVariant(int n, TimeSpan interval, TimeSpan runTime) : InFlightVariant(n, interval, runTime)
{
    private readonly List<Task> _runs = [];

    public override string Name => "bare loop (TCS + scheduled item)";

    public override void Start(int i) => _runs.Add(RunAsync());

    public override void EndRound()
    {
        _runs.Clear();
        base.EndRound();
    }

    private async Task RunAsync()
    {
        try
        {
            await BareHttpLoop.RunAsync(Http, Simulator.QueueUrl, Wait, App, """{"prompt":"a landscape"}""").ConfigureAwait(false);
            OnFinished(failed: false);
        }
#pragma warning disable CA1031 // Counted, not thrown: the run reports how many failed.
        catch (Exception)
#pragma warning restore CA1031
        {
            OnFinished(failed: true);
        }
    }

    private Task Wait()
    {
        var wait = new TaskCompletionSource();
        Scheduler.Schedule(wait, Interval, static (_, w) =>
        {
            w.SetResult();
            return Disposable.Empty;
        });
        return wait.Task;
    }
}

/// <summary>A variant whose requests go through one <see cref="FalClient"/>, each followed by one subscription.</summary>
internal abstract class ClientVariant : InFlightVariant
{
    protected ClientVariant(int n, TimeSpan interval, TimeSpan runTime)
        : base(n, interval, runTime) =>
        // A client as an application configures one, on the variant's scheduler, its HTTP through the counter.
        Client = new(HttpClient, new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(FalSimulatorClientExtensions.TestKey),
            QueueUrl = Simulator.QueueUrl,
            RunUrl = Simulator.RunUrl,
            RestUrl = Simulator.RestUrl,
            PollInterval = PollInterval,
            Scheduler = Scheduler,
        });

    protected FalClient Client { get; }

    protected List<IDisposable> Subscriptions { get; } = [];

    /// <summary>Follows one request to its end, counting how it ended.</summary>
    protected void Follow(IObservable<FalStatus> statuses) =>
        Subscriptions.Add(statuses.Subscribe(_ => { }, _ => OnFinished(failed: true), () => OnFinished(failed: false)));

    public override void EndRound()
    {
        Subscriptions.ForEach(s => s.Dispose());
        Subscriptions.Clear();
        base.EndRound();
    }

    public override void Dispose()
    {
        Client.Dispose();
        base.Dispose();
    }
}

/// <summary>N <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> observables, one subscription each.</summary>
internal sealed class SubmitVariant(int n, TimeSpan interval, TimeSpan runTime) : ClientVariant(n, interval, runTime)
{
    public override string Name => "FalClient.Submit";

    public override void Start(int i) => Follow(Client.Submit(App, Input));
}

/// <summary>N requests submitted with <see cref="FalClient.SubmitAsync(string, FalInput?, FalEnqueueOptions?, CancellationToken)"/>, each handle watched by one <see cref="FalRequestHandle.Events"/>.</summary>
internal sealed class HandleEventsVariant(int n, TimeSpan interval, TimeSpan runTime) : ClientVariant(n, interval, runTime)
{
    public override string Name => "handle.Events()";

    public override void Start(int i)
    {
        // The simulator answers in memory at once, so the submit has completed when SubmitAsync returns.
        var submitted = Client.SubmitAsync(App, Input);
        if (!submitted.IsCompleted)
        {
            throw new InvalidOperationException("The in-memory submit did not complete synchronously.");
        }

        Follow(submitted.Result.Events());
    }
}
