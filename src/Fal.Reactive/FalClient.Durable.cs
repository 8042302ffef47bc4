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
        Context.LiveRequests.ThrowIfClosed();
        return new FalDurableClient(this, journal, options ?? new FalDurableOptions());
    }

    internal FalClientContext DurableContext => Context;

    /// <summary>
    /// A submit of a body already serialized (and hashed by the journal), sent as it is; the caller's <c>OnEnqueue</c> is left
    /// to the journal, which calls it once the id is recorded.
    /// </summary>
    internal IObservable<FalStatus> SubmitJournaled(FalAppId app, byte[] body, SubmitSettings settings) =>
        RequestSubscription.Submit(Context, app, PreparedInput.FromBody(body), Storage, settings with { OnEnqueue = null });

    /// <summary>Checks a durable request's options at the call, as <see cref="Submit(string, FalInput?, FalSubmitOptions?)"/> does.</summary>
    internal SubmitSettings CheckDurable(FalSubmitOptions? options)
    {
        Context.LiveRequests.ThrowIfClosed();
        var settings = options?.Snapshot();
        return settings is null ? SubmitSettings.Default : FalOptionsValidation.Validate(settings, nameof(options));
    }

    /// <summary>A cancel sent for a subscription already disposed: disposal of the client waits for it.</summary>
    internal void TrackPending(Task work) => Context.PendingCancellations.Track(work);
}
