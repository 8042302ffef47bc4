using System.Reactive.Linq;
using System.Text.Json.Nodes;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Journal;

/// <summary>A durable request's journal transitions in virtual time, against the simulator and the in-memory journal.</summary>
public class DurableRequestTests
{
    private static JsonObject Prompt(string text) => new() { ["prompt"] = text };

    private static (List<FalStatus> Statuses, Exception? Error) Run(SimulatedFal fal, IObservable<FalStatus> source, double seconds = 10)
    {
        var statuses = new List<FalStatus>();
        Exception? error = null;
        using var subscription = source.Subscribe(statuses.Add, e => error = e);
        fal.Scheduler.AdvanceBy(Ticks(seconds));
        return (statuses, error);
    }

    [Fact]
    public void FreshKey_RecordsIntentThenIdThenOutcome_AndSubmitsOnce()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { images = new[] { "a.png" } }, TimeSpan.FromSeconds(1)));
        var journal = new FalMemoryRequestJournal();
        var durable = fal.Client.Durable(journal);
        var seen = new List<FalJournalState>();

        var (statuses, error) = Run(fal, durable.Submit("k1", App, Prompt("a cat")).Do(_ => seen.Add(Entry(journal, "k1").State)));

        error.Should().BeNull();
        statuses.Last().Should().BeOfType<Completed>();
        seen.First().Should().Be(FalJournalState.Submitted, "the id is durable before the first status is emitted");
        seen.Last().Should().Be(FalJournalState.Succeeded, "the outcome is durable before Completed is emitted");
        var entry = Entry(journal, "k1");
        entry.RequestId.Should().Be(statuses[0].RequestId);
        entry.InputHash.Should().MatchRegex("^[0-9a-f]{64}$");
        entry.Output!.Value.GetProperty("images")[0].GetString().Should().Be("a.png");
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(1);
    }

    [Fact]
    public void FinishedKey_ReplaysItsOutcome_WithoutACall()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 1 }, TimeSpan.FromSeconds(1)));
        var durable = fal.Client.Durable(new FalMemoryRequestJournal());
        Run(fal, durable.Submit("k1", App, Prompt("a")));
        var calls = fal.Simulator.Calls.Count;

        var (statuses, error) = Run(fal, durable.Submit("k1", App, Prompt("a")));

        error.Should().BeNull();
        statuses.Should().ContainSingle().Which.Should().BeOfType<Completed>().Which.Result!.Value.GetProperty("n").GetInt32().Should().Be(1);
        fal.Simulator.Calls.Count.Should().Be(calls, "a finished key is answered from the journal");
    }

    [Fact]
    public void KnownRequestId_IsReAttached_NotSubmittedAgain()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 2 }, TimeSpan.FromSeconds(5)));
        var journal = new FalMemoryRequestJournal();
        var first = fal.Client.Durable(journal, new FalDurableOptions { WorkerId = "w1", LeaseDuration = TimeSpan.FromSeconds(3) });
        var crashed = first.Submit("k1", App, Prompt("a")).Subscribe();
        fal.Scheduler.AdvanceBy(Ticks(1));
        Entry(journal, "k1").State.Should().Be(FalJournalState.Submitted);
        // A crash: the subscription is gone without disposal (nothing cancels, the lease is not released); it lapses.
        GC.KeepAlive(crashed);
        var second = fal.Client.Durable(journal, new FalDurableOptions { WorkerId = "w2" });

        fal.Scheduler.AdvanceBy(Ticks(0.5));
        var held = Run(fal, second.Submit("k1", App, Prompt("a")), seconds: 0.1);
        held.Error.Should().BeOfType<FalJournalException>().Which.Failure.Should().Be(FalJournalFailure.LeaseHeld);
    }

    [Fact]
    public void IntentWithoutId_FoundInTheListing_IsAdopted_NotSubmittedAgain()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 3 }, TimeSpan.FromSeconds(1)));
        var journal = new FalMemoryRequestJournal();
        // The crash between POST and answer: fal has the request, the journal only the intent.
        var sent = fal.Client.Submit(App, Prompt("found")).Subscribe();
        fal.Scheduler.AdvanceBy(Ticks(0.01));
        var lease = new FalJournalLease("dead", fal.Scheduler.Now, TimeSpan.FromSeconds(1));
        Sync(journal.AddAsync("k1", App).AsTask());
        Sync(journal.TryLeaseAsync("k1", lease).AsTask());
        Sync(journal.TryRecordIntentAsync("k1", lease, InputHashOf(Prompt("found")), null).AsTask());
        fal.Scheduler.AdvanceBy(Ticks(2));

        var (statuses, error) = Run(fal, fal.Client.Durable(journal).Submit("k1", App, Prompt("found")));

        error.Should().BeNull();
        statuses.Last().Should().BeOfType<Completed>();
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(1, "the listing proved the submit arrived");
        fal.CallsOf(FalCallKind.RequestListing).Should().NotBeEmpty();
        Entry(journal, "k1").RequestId.Should().Be(fal.Simulator.Requests.Single().RequestId);
        sent.Dispose();
    }

    [Fact]
    public void IntentWithoutId_NotInTheListing_IsSubmitted()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 4 }, TimeSpan.FromSeconds(1)));
        var journal = IntentOnly(fal, Prompt("lost"));

        var (statuses, error) = Run(fal, fal.Client.Durable(journal).Submit("k1", App, Prompt("lost")));

        error.Should().BeNull();
        statuses.Last().Should().BeOfType<Completed>();
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(1, "nothing was enqueued, so it is submitted now");
    }

    [Fact]
    public void IntentWithoutId_ListingUnavailable_FailsTyped_AndDoesNotSubmit()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 5 }, TimeSpan.FromSeconds(1)));
        fal.Simulator.RequestListingAvailable = false;
        var journal = IntentOnly(fal, Prompt("unknown"));

        var (_, error) = Run(fal, fal.Client.Durable(journal).Submit("k1", App, Prompt("unknown")), seconds: 60);

        error.Should().BeOfType<FalJournalException>().Which.Failure.Should().Be(FalJournalFailure.ListingUnavailable);
        fal.CallsOf(FalCallKind.Submit).Should().BeEmpty();
        Entry(journal, "k1").State.Should().Be(FalJournalState.Submitting, "left for a later resume");
    }

    [Fact]
    public void Batch_CapsRequestsInFlight_AndReportsEveryKeyOnce()
    {
        using var fal = new SimulatedFal(workers: 8);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(2)));
        var journal = new FalMemoryRequestJournal();
        var durable = fal.Client.Durable(journal, new FalDurableOptions { MaxInFlight = 2, RetryInterval = TimeSpan.FromMilliseconds(200) });
        var items = Enumerable.Range(0, 6).Select(i => new FalBatchItem($"k{i}", App, Prompt($"p{i}"))).ToList();
        var results = new List<FalBatchResult>();
        var maxRunning = 0;
        using var run = durable.RunBatch(items, new FalBatchOptions { MaxConcurrency = 4 }).Subscribe(results.Add);
        for (var i = 0; i < 300; i++)
        {
            fal.Scheduler.AdvanceBy(Ticks(0.1));
            maxRunning = Math.Max(maxRunning, fal.Simulator.Requests.Count(r => r.State is FalSimulatedRequestState.Queued or FalSimulatedRequestState.Running));
        }

        results.Select(r => r.Key).Should().BeEquivalentTo(items.Select(i => i.Key), string.Join("; ", results.Select(r => $"{r.Key} {r.State} {r.Error?.Message}")));
        results.Should().OnlyContain(r => r.Succeeded);
        maxRunning.Should().Be(2);
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(6);
    }

    [Fact]
    public void KnownRequestId_AfterTheDeadWorkersLeaseLapses_IsTakenOverByIdWithoutASubmit()
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { n = 6 }, TimeSpan.FromSeconds(3)));
        var journal = Submitted(fal, "k1", Prompt("taken over"), leaseSeconds: 5);
        var worker = fal.Client.Durable(journal, new FalDurableOptions { WorkerId = "w2" });

        Run(fal, worker.Submit("k1", App, Prompt("taken over")), seconds: 0.1).Error
            .Should().BeOfType<FalJournalException>().Which.Failure.Should().Be(FalJournalFailure.LeaseHeld, "the dead worker's lease has not lapsed yet");
        fal.Scheduler.AdvanceBy(Ticks(5));
        var (statuses, error) = Run(fal, worker.Submit("k1", App, Prompt("taken over")));

        error.Should().BeNull();
        statuses.Last().Should().BeOfType<Completed>().Which.RequestId.Should().Be(Entry(journal, "k1").RequestId);
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(1, "re-attached by its id, never submitted again");
        Entry(journal, "k1").State.Should().Be(FalJournalState.Succeeded);
    }

    [Fact]
    public void Batch_TakesOverADeadWorkersKeysById_AndCancelsKeysNoLongerWanted()
    {
        using var fal = new SimulatedFal(workers: 4);
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(3)));
        var journal = Submitted(fal, "k0", Prompt("p0"), leaseSeconds: 2);
        Sync(journal.AddAsync("gone", App).AsTask());
        var items = Enumerable.Range(0, 3).Select(i => new FalBatchItem($"k{i}", App, Prompt($"p{i}"))).ToList();
        var results = new List<FalBatchResult>();
        using var run = fal.Client.Durable(journal, new FalDurableOptions { WorkerId = "w2", RetryInterval = TimeSpan.FromMilliseconds(500) })
            .RunBatch(items).Subscribe(results.Add);
        fal.Scheduler.AdvanceBy(Ticks(20));

        results.Select(r => r.Key).Should().BeEquivalentTo(["k0", "k1", "k2"]);
        results.Should().OnlyContain(r => r.Succeeded);
        fal.CallsOf(FalCallKind.Submit).Should().HaveCount(3, "k0 was submitted once, by the dead worker");
        Entry(journal, "gone").State.Should().Be(FalJournalState.Cancelled);
    }

    // A worker that died after fal answered: the request runs on fal, the journal has its id under the dead worker's lease.
    private static FalMemoryRequestJournal Submitted(SimulatedFal fal, string key, JsonObject input, double leaseSeconds)
    {
        var journal = new FalMemoryRequestJournal();
        var lease = new FalJournalLease("dead", fal.Scheduler.Now, TimeSpan.FromSeconds(leaseSeconds));
        Sync(journal.AddAsync(key, App).AsTask());
        Sync(journal.TryLeaseAsync(key, lease).AsTask());
        Sync(journal.TryRecordIntentAsync(key, lease, InputHashOf(input), null).AsTask());
        string? requestId = null;
        // Never disposed (a dead process cancels nothing): the request goes on on fal.
        fal.Client.Submit(App, input, new FalSubmitOptions { OnEnqueue = id => requestId = id }).Subscribe(_ => { }, _ => { });
        fal.Scheduler.AdvanceBy(1);
        requestId.Should().NotBeNull();
        Sync(journal.RecordRequestIdAsync(key, lease, requestId!).AsTask());
        return journal;
    }

    private static FalMemoryRequestJournal IntentOnly(SimulatedFal fal, JsonObject input)
    {
        var journal = new FalMemoryRequestJournal();
        var lease = new FalJournalLease("dead", fal.Scheduler.Now, TimeSpan.FromSeconds(1));
        Sync(journal.AddAsync("k1", App).AsTask());
        Sync(journal.TryLeaseAsync("k1", lease).AsTask());
        Sync(journal.TryRecordIntentAsync("k1", lease, InputHashOf(input), null).AsTask());
        fal.Scheduler.AdvanceBy(Ticks(2));
        return journal;
    }

    // The in-memory journal completes every call synchronously.
    private static FalJournalEntry Entry(FalMemoryRequestJournal journal, string key) => Sync(journal.GetAsync(key).AsTask())!;

    private static void Sync(Task task)
    {
        task.IsCompletedSuccessfully.Should().BeTrue();
    }

    private static T Sync<T>(Task<T> task)
    {
        task.IsCompleted.Should().BeTrue();
        return task.GetAwaiter().GetResult();
    }

    private static string InputHashOf(JsonObject input) => InputHash.Of(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()));
}
