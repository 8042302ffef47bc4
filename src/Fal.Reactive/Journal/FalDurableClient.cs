using System.Diagnostics.CodeAnalysis;
using System.Reactive.Concurrency;

namespace Fal.Reactive;

/// <summary>
/// Requests by idempotency key through an <see cref="IFalRequestJournal"/> (<see cref="FalClient.Durable(IFalRequestJournal, FalDurableOptions?)"/>):
/// a paid request is neither lost nor paid twice across crashes and workers. Each key's intent (input hash, time) is
/// recorded before its submit is sent, its request id before its first status is emitted, its outcome before
/// <see cref="Completed"/> is emitted.
/// </summary>
/// <remarks>
/// <see cref="Submit"/> is the fresh request's shape, an <c>IObservable&lt;FalStatus&gt;</c> per key, so it composes with
/// <c>Merge(n)</c> and <c>Timeout</c> as <see cref="FalClient.Submit(string, FalInput?, FalSubmitOptions?)"/> does; <see cref="RunBatch"/>
/// works a whole batch with leases, shared by any number of workers. See docs/durable-batches.md for what the guarantees rest on.
/// </remarks>
public class FalDurableClient
{

    /// <summary>For a test double.</summary>
    protected FalDurableClient()
    {
        Client = null!;
        Journal = null!;
        Options = new FalDurableOptions();
        Scheduler = ImmediateScheduler.Instance;
        WorkerId = "";
        Keeper = null!;
    }

    internal FalDurableClient(FalClient client, IFalRequestJournal journal, FalDurableOptions options)
    {
        if (options.LeaseDuration <= TimeSpan.Zero || options.RetryInterval <= TimeSpan.Zero || options.MaxInFlight is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "LeaseDuration, RetryInterval and MaxInFlight must be positive.");
        }

        Client = client;
        Journal = journal;
        Options = new FalDurableOptions
        {
            WorkerId = options.WorkerId ?? Guid.NewGuid().ToString("N"),
            LeaseDuration = options.LeaseDuration,
            MaxInFlight = options.MaxInFlight,
            RetryInterval = options.RetryInterval,
            ListingMargin = options.ListingMargin,
            Scheduler = options.Scheduler,
        };
        WorkerId = Options.WorkerId!;
        Scheduler = options.Scheduler ?? client.DurableContext.Scheduler;
        Keeper = new LeaseKeeper(journal, Lease, Scheduler, Options.LeaseDuration);
    }

    /// <summary>Gets the journal.</summary>
    public IFalRequestJournal Journal { get; }

    /// <summary>Gets this worker's id in the journal's leases.</summary>
    public string WorkerId { get; }

    internal FalClient Client { get; }

    internal FalDurableOptions Options { get; }

    internal IScheduler Scheduler { get; }

    internal LeaseKeeper Keeper { get; }

    /// <summary>
    /// The request for <paramref name="key"/>, cold: when subscribed, a finished key replays its recorded outcome (a
    /// <see cref="Completed"/> with the recorded output, or the recorded error) without a call; a key with a request id is
    /// re-attached (watched, its result fetched); a key whose submit a crash cut short is looked up in fal's request listing
    /// and re-attached, or submitted again only when the listing shows nothing was enqueued; an unknown key is submitted.
    /// </summary>
    /// <remarks>
    /// Disposal before <see cref="Completed"/> cancels the request on fal, as for a fresh request; the key stays unfinished
    /// in the journal and a later subscription re-attaches to it (and gets fal's cancelled result). Errors:
    /// <see cref="FalHttpException"/> (fal's verdict, recorded), <see cref="FalJournalException"/> (the key could not go on:
    /// another worker holds it, or the listing was unavailable; nothing recorded, nothing resubmitted).
    /// </remarks>
    /// <param name="key">The idempotency key: one request per key, ever.</param>
    /// <param name="appId">The app id.</param>
    /// <param name="input">The input, sent only when the key is submitted.</param>
    /// <param name="options">The request's options (as for a fresh request).</param>
    /// <returns>The key's statuses.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, or <paramref name="appId"/> is invalid.</exception>
    public virtual IObservable<FalStatus> Submit(string key, string appId, FalInput? input, FalSubmitOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var app = FalAppId.Parse(appId);
        return DurableRequest.Create(this, key, app, FalInput.PreparedOrEmpty(input), Client.CheckDurable(options));
    }

    /// <summary>
    /// Works a batch to the end with this worker, alongside any other worker running the same batch on the same journal:
    /// adds the keys, cancels unfinished keys no longer in the batch (<see cref="FalBatchOptions.CancelUnlisted"/>), then
    /// leases keys one at a time (a dead worker's first, by request id), and reports every key's outcome once, those that
    /// other workers or earlier runs finished included (<see cref="FalBatchResult.FromJournal"/>). Completes when every key
    /// has an outcome or could not go on in this run (reported with its <see cref="FalJournalException"/>).
    /// </summary>
    /// <param name="items">The batch: the same keys, apps and inputs on every run and every worker.</param>
    /// <param name="options">Concurrency, the requests' options, the output writer.</param>
    /// <returns>A cold observable of each key's outcome; disposing it cancels the requests this worker is following.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    [SuppressMessage("Design", "CA1031", Justification = "Each key's failure is reported as its result.")]
    public virtual IObservable<FalBatchResult> RunBatch(IEnumerable<FalBatchItem> items, FalBatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var batch = items.ToList();
        var settings = options ?? new FalBatchOptions();
        if (settings.MaxConcurrency <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrency must be positive.");
        }

        return InlineTasks.Create<FalBatchResult>((observer, cancellationToken) => new DurableBatch(this, batch, settings, observer).RunAsync(cancellationToken));
    }

    internal FalJournalLease Lease() => new(WorkerId, Scheduler.Now, Options.LeaseDuration);

    internal void Release(string key) => Client.TrackPending(ReleaseAsync(key));

    /// <summary>
    /// An intent without an id: the request id fal gave it when the listing holds exactly one request with its input in its
    /// window that no other key claims, null when it holds none (nothing was enqueued: submit again). Throws when the
    /// listing cannot be read or holds several.
    /// </summary>
    internal async Task<string?> SettleAsync(FalJournalEntry entry, FalAppId app, CancellationToken cancellationToken)
    {
        // Clamped: a virtual clock starts at year 1.
        var at = entry.SubmittingAt ?? Scheduler.Now;
        var from = at.UtcTicks > Options.ListingMargin.Ticks ? at - Options.ListingMargin : DateTimeOffset.MinValue;
        var to = Scheduler.Now + Options.ListingMargin;
        List<ApiEndpoint.Listed> listed;
        try
        {
            listed = await Client.DurableContext.Api.ListRequestsAsync(app, from, to, Scheduler, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new FalJournalException(
                $"Key '{entry.Key}': a submit may have reached fal before the crash, and fal's request listing could not be read ({e.Message}). Not submitted again; resume later.",
                e)
            { Key = entry.Key, Failure = FalJournalFailure.ListingUnavailable };
        }

        var matching = listed.Where(l => l.InputHash == entry.InputHash).Select(l => l.RequestId).ToHashSet(StringComparer.Ordinal);
        if (matching.Count > 0)
        {
            // Another key with the same input may own one of them: those are not this key's.
            await foreach (var other in Journal.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (other.RequestId is { } claimed && other.Key != entry.Key)
                {
                    matching.Remove(claimed);
                }
            }
        }

        return matching.Count switch
        {
            0 => null,
            1 => matching.First(),
            _ => throw new FalJournalException($"Key '{entry.Key}': fal's listing holds {matching.Count} unclaimed requests with its input ({string.Join(", ", matching)}); which is the key's is unknown.")
            {
                Key = entry.Key,
                Failure = FalJournalFailure.AmbiguousListing,
            },
        };
    }

    private async Task ReleaseAsync(string key)
    {
        try
        {
            await Journal.ReleaseAsync(key, Lease()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An unreleased lease lapses on its own.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
