using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Journal;

/// <summary>
/// The journal contract, run against each implementation: the in-memory one, a SQLite file and a real PostgreSQL server.
/// Times are given by the caller (a lease is a value, not a clock), so lease expiry is tested without waiting.
/// </summary>
public abstract class JournalContractTests
{
    private const string App = "fal-ai/fast-sdxl";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Thirty = TimeSpan.FromSeconds(30);

    protected abstract Task<IFalRequestJournal> OpenAsync();

    private static FalJournalLease Lease(string owner, double seconds = 0) => new(owner, T0.AddSeconds(seconds), Thirty);

    [Fact]
    public async Task IntentIdOutcome_AreRecordedInOrder_AndAFinishedKeyNeedsNoLease()
    {
        var journal = await OpenAsync();
        (await journal.AddAsync("k", App)).State.Should().Be(FalJournalState.Pending);
        (await journal.TryLeaseAsync("k", Lease("w1"))).Should().NotBeNull();
        (await journal.TryRecordIntentAsync("k", Lease("w1"), "hash", maxInFlight: null)).Should().BeTrue();
        (await journal.GetAsync("k"))!.Should().Match<FalJournalEntry>(e => e.State == FalJournalState.Submitting && e.InputHash == "hash" && e.SubmittingAt == T0);
        await journal.RecordRequestIdAsync("k", Lease("w1"), "req-1");
        (await journal.GetAsync("k"))!.RequestId.Should().Be("req-1");
        using var output = System.Text.Json.JsonDocument.Parse("""{"images":["a.png"]}""");
        await journal.RecordOutcomeAsync("k", Lease("w1", 5), FalJournalOutcome.Succeeded(output.RootElement, "out/a.png"));

        var done = (await journal.GetAsync("k"))!;
        done.State.Should().Be(FalJournalState.Succeeded);
        done.Output!.Value.GetProperty("images")[0].GetString().Should().Be("a.png");
        done.Location.Should().Be("out/a.png");
        done.EndedAt.Should().Be(T0.AddSeconds(5));
        done.LeaseOwner.Should().BeNull();
        (await journal.TryLeaseAsync("k", Lease("w2")))!.Should().Match<FalJournalEntry>(e => e.State == FalJournalState.Succeeded && e.LeaseOwner == null, "a finished key is returned as it is, unleased");
        (await journal.AddAsync("k", App)).State.Should().Be(FalJournalState.Succeeded, "adding a known key changes nothing");
    }

    [Fact]
    public async Task ALease_IsExclusiveUntilItLapses_ThenTakenOver_AndTheOldOwnersWritesFail()
    {
        var journal = await OpenAsync();
        await journal.AddAsync("k", App);
        (await journal.TryLeaseAsync("k", Lease("w1"))).Should().NotBeNull();
        await journal.TryRecordIntentAsync("k", Lease("w1"), "hash", null);
        await journal.RecordRequestIdAsync("k", Lease("w1"), "req-1");

        (await journal.TryLeaseAsync("k", Lease("w2", 29))).Should().BeNull("w1's lease runs until 30 s");
        (await journal.LeaseNextAsync(Lease("w2", 29))).Should().BeNull();
        var taken = await journal.LeaseNextAsync(Lease("w2", 31));
        taken!.Key.Should().Be("k");
        taken.RequestId.Should().Be("req-1", "taken over by id");

        var write = () => journal.RecordOutcomeAsync("k", Lease("w1", 32), FalJournalOutcome.Cancelled()).AsTask();
        (await write.Should().ThrowAsync<FalJournalException>()).Which.Failure.Should().Be(FalJournalFailure.LeaseLost);
    }

    [Fact]
    public async Task LeaseNext_PrefersKeysInFlight_GivesEachKeyToOneWorker_AndRenewExtends()
    {
        var journal = await OpenAsync();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await journal.AddAsync(key, App);
        }

        await journal.TryLeaseAsync("c", Lease("dead"));
        await journal.TryRecordIntentAsync("c", Lease("dead"), "h", null);

        var first = await journal.LeaseNextAsync(Lease("w1", 31));
        var second = await journal.LeaseNextAsync(Lease("w2", 31));
        var third = await journal.LeaseNextAsync(Lease("w3", 31));
        first!.Key.Should().Be("c", "a key whose worker died mid-submit comes first");
        new[] { second!.Key, third!.Key }.Should().BeEquivalentTo(["a", "b"]);
        (await journal.LeaseNextAsync(Lease("w4", 31))).Should().BeNull();

        (await journal.RenewAsync(Lease("w1", 55))).Should().Be(1);
        (await journal.GetAsync("c"))!.LeaseExpiresAt.Should().Be(T0.AddSeconds(85));
        await journal.ReleaseAsync(null, Lease("w2", 56));
        (await journal.LeaseNextAsync(Lease("w4", 56)))!.Key.Should().Be(second.Key, "released, it is free at once");
    }

    [Fact]
    public async Task LeaseNext_TakesFreeKeysInFlightInTheOrderAdded_ThenPendingKeysInTheOrderAdded()
    {
        var journal = await OpenAsync();
        foreach (var key in new[] { "p1", "f1", "p2", "f2", "live", "f3", "p3" })
        {
            await journal.AddAsync(key, App);
        }

        // In flight, each a way a key in flight becomes free: lapsed while submitted (f1), lapsed mid-submit (f2) and
        // released (f3); and one whose worker is alive. p2 is pending but leased by the live worker.
        foreach (var (key, owner) in new[] { ("f3", "gone"), ("f1", "dead"), ("f2", "dead") })
        {
            await journal.TryLeaseAsync(key, Lease(owner));
            await journal.TryRecordIntentAsync(key, Lease(owner), "h", null);
        }

        await journal.RecordRequestIdAsync("f1", Lease("dead"), "req-1");
        await journal.ReleaseAsync("f3", Lease("gone"));
        await journal.TryLeaseAsync("live", Lease("alive", 20));
        await journal.TryRecordIntentAsync("live", Lease("alive", 20), "h", null);
        await journal.TryLeaseAsync("p2", Lease("alive", 20));

        var picked = new List<string>();
        while (await journal.LeaseNextAsync(Lease("w1", 31)) is { } next)
        {
            picked.Add(next.Key);
        }

        picked.Should().Equal(["f1", "f2", "f3", "p1", "p3"], "free keys in flight first, then pending ones, each in the order added; live leases are left alone");
    }

    [Fact]
    public async Task TheInFlightCap_RefusesAnIntent_UntilAKeyEnds()
    {
        var journal = await OpenAsync();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await journal.AddAsync(key, App);
            await journal.TryLeaseAsync(key, Lease("w-" + key));
        }

        (await journal.TryRecordIntentAsync("a", Lease("w-a"), "h", maxInFlight: 2)).Should().BeTrue();
        (await journal.TryRecordIntentAsync("b", Lease("w-b"), "h", maxInFlight: 2)).Should().BeTrue();
        (await journal.TryRecordIntentAsync("c", Lease("w-c"), "h", maxInFlight: 2)).Should().BeFalse();
        (await journal.GetAsync("c"))!.State.Should().Be(FalJournalState.Pending);

        await journal.RecordOutcomeAsync("a", Lease("w-a"), FalJournalOutcome.Failed(new FalJournalError("boom") { StatusCode = 500 }));
        (await journal.TryRecordIntentAsync("c", Lease("w-c"), "h", maxInFlight: 2)).Should().BeTrue();
        (await journal.GetAsync("a"))!.Error.Should().Be(new FalJournalError("boom") { StatusCode = 500 });
        (await ToListAsync(journal.ListAsync(unfinishedOnly: true))).Select(e => e.Key).Should().Equal("b", "c");
    }

    private static async Task<List<FalJournalEntry>> ToListAsync(IAsyncEnumerable<FalJournalEntry> entries)
    {
        var list = new List<FalJournalEntry>();
        await foreach (var entry in entries)
        {
            list.Add(entry);
        }

        return list;
    }
}

public sealed class MemoryJournalContractTests : JournalContractTests
{
    protected override Task<IFalRequestJournal> OpenAsync() => Task.FromResult<IFalRequestJournal>(new FalMemoryRequestJournal());
}

public sealed class SqliteJournalContractTests : JournalContractTests, IAsyncDisposable
{
    private readonly List<FalSqliteRequestJournal> _opened = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("fal-journal-").FullName;

    protected override async Task<IFalRequestJournal> OpenAsync()
    {
        var journal = await FalSqliteRequestJournal.OpenAsync(Path.Combine(_dir, "batch.journal"));
        _opened.Add(journal);
        return journal;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var journal in _opened)
        {
            await journal.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgreSqlJournalContractTests(PostgresServer server) : JournalContractTests, IClassFixture<PostgresServer>
{
    protected override async Task<IFalRequestJournal> OpenAsync() =>
        await FalPostgreSqlRequestJournal.OpenAsync(server.DataSource, "test-" + Guid.NewGuid().ToString("N"));
}
