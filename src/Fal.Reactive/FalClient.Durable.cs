namespace Fal.Reactive;

public partial class FalClient
{
    /// <summary>
    /// Requests by idempotency key through a journal: each key is submitted once, ever; a key already known is re-attached
    /// by its request id (or answered from its recorded outcome without a call), across crashes and across workers.
    /// </summary>
    /// <param name="journal">Where intents, request ids and outcomes are recorded (<c>Fal.Reactive.Journal.Sqlite</c>, <c>Fal.Reactive.Journal.PostgreSql</c>).</param>
    /// <param name="options">Worker id, leases, the in-flight cap.</param>
    /// <returns>The durable client; it shares this client (and its lifetime).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="journal"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A lease duration, retry interval or cap is not positive.</exception>
    public virtual FalDurableClient Durable(IFalRequestJournal journal, FalDurableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _api.Runs.ThrowIfClosed();
        return new FalDurableClient(this, journal, options ?? new FalDurableOptions());
    }

    internal FalQueueApi Api => _api;

    /// <summary>A submit of a body already serialized (and hashed by the journal): sent as it is.</summary>
    internal IObservable<FalStatus> SubmitJournaled(FalAppId app, byte[] body, FalSubmitOptions options) =>
        SubmitPrepared(app, Checked(options), PreparedInput.FromBody(body));

    /// <summary>A cancel sent for a subscription already disposed: disposal of the client waits for it.</summary>
    internal void TrackPending(Task work) => _pendingCancellations.Track(work);
}
