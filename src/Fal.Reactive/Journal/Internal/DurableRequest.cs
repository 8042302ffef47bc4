using System.Reactive.Linq;

namespace Fal.Reactive;

/// <summary>
/// One key's request through the journal: replays a finished key, re-attaches a known request id, settles an intent without
/// an id against fal's listing, or submits; each record made durable before the status it stands for is emitted.
/// </summary>
internal sealed class DurableRequest
{
    private readonly FalDurableClient _owner;
    private readonly string _key;
    private readonly FalAppId _app;
    private readonly PreparedInput _input;
    private readonly SubmitSettings _options;
    private readonly FalJournalEntry? _leased;
    private readonly Func<Completed, CancellationToken, Task<string?>>? _writeOutput;
    private bool _idRecorded;

    public DurableRequest(FalDurableClient owner, string key, FalAppId app, PreparedInput input, SubmitSettings options, FalJournalEntry? leased, Func<Completed, CancellationToken, Task<string?>>? writeOutput)
    {
        _owner = owner;
        _key = key;
        _app = app;
        _input = input;
        _options = options;
        _leased = leased;
        _writeOutput = writeOutput;
    }

    private IFalRequestJournal Journal => _owner.Journal;

    public static IObservable<FalStatus> Create(FalDurableClient owner, string key, FalAppId app, PreparedInput input, SubmitSettings options, FalJournalEntry? leased = null, Func<Completed, CancellationToken, Task<string?>>? writeOutput = null) =>
        Observable.Defer(() =>
        {
            var request = new DurableRequest(owner, key, app, input, options, leased, writeOutput);
            return InlineTasks.FromAsync(request.PlanAsync).SelectMany(source => source);
        });

    private async Task<IObservable<FalStatus>> PlanAsync(CancellationToken cancellationToken)
    {
        var entry = _leased ?? await Journal.AddAsync(_key, _app.Id, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(entry.AppId, _app.Id, StringComparison.Ordinal))
        {
            throw new FalJournalException($"Key '{_key}' is recorded for app {entry.AppId}, not {_app.Id}.") { Key = _key, Failure = FalJournalFailure.AppMismatch, RequestId = entry.RequestId };
        }

        if (entry.IsFinished)
        {
            return Replay(entry);
        }

        if (_leased is null)
        {
            entry = await Journal.TryLeaseAsync(_key, _owner.Lease(), cancellationToken).ConfigureAwait(false)
                ?? throw new FalJournalException($"Key '{_key}' is being worked by another worker.") { Key = _key, Failure = FalJournalFailure.LeaseHeld };
            if (entry.IsFinished)
            {
                return Replay(entry);
            }
        }

        var hold = _owner.Keeper.Hold();
        try
        {
            var source = entry.State switch
            {
                FalJournalState.Submitted => Attach(entry.RequestId!),
                FalJournalState.Submitting when await _owner.SettleAsync(entry, _app, cancellationToken).ConfigureAwait(false) is { } found => await AdoptAsync(found).ConfigureAwait(false),
                _ => await SubmitAsync(cancellationToken).ConfigureAwait(false),
            };
            return Journaled(source).Finally(() =>
            {
                hold.Dispose();
                ReleaseIfOwn();
            });
        }
        catch
        {
            hold.Dispose();
            ReleaseIfOwn();
            throw;
        }
    }

    // A key this request leased itself is released when it ends (a batch keeps the keys it leased until it has done with them).
    private void ReleaseIfOwn()
    {
        if (_leased is null)
        {
            _owner.Release(_key);
        }
    }

    private async Task<IObservable<FalStatus>> AdoptAsync(string requestId)
    {
        await Journal.RecordRequestIdAsync(_key, _owner.Lease(), requestId, CancellationToken.None).ConfigureAwait(false);
        return Attach(requestId);
    }

    private async Task<IObservable<FalStatus>> SubmitAsync(CancellationToken cancellationToken)
    {
        var body = await _input.BodyAsync(_owner.Client.Storage, cancellationToken).ConfigureAwait(false);
        var hash = InputHash.Of(body);
        // The intent is durable before the POST leaves: after a crash from here on, the listing settles whether it arrived.
        while (!await Journal.TryRecordIntentAsync(_key, _owner.Lease(), hash, _owner.Options.MaxInFlight, cancellationToken).ConfigureAwait(false))
        {
            await SchedulerDelay.Delay(_owner.Scheduler, _owner.Options.RetryInterval, cancellationToken).ConfigureAwait(false);
        }

        return _owner.Client.SubmitJournaled(_app, body, _options);
    }

    private IObservable<FalStatus> Attach(string requestId)
    {
        _idRecorded = true;
        var handle = _owner.Client.GetHandle(_app.Id, requestId);
        var watch = handle.Events(_options.WithLogs, _options.PollInterval, _options.Scheduler, _options.StatusMode);
        // Re-attached, the request is ours as a fresh one is: disposal before it ends cancels it on fal.
        return Observable.Create<FalStatus>(observer =>
        {
            var ended = false;
            var subscription = watch.Subscribe(
                s =>
                {
                    ended |= s is Completed;
                    observer.OnNext(s);
                },
                e =>
                {
                    ended = true;
                    observer.OnError(e);
                },
                () =>
                {
                    ended = true;
                    observer.OnCompleted();
                });
            return () =>
            {
                subscription.Dispose();
                if (!ended)
                {
                    _owner.Client.TrackPending(handle.CancelAsync());
                }
            };
        });
    }

    private IObservable<FalStatus> Journaled(IObservable<FalStatus> source) =>
        source
            .Select(status => InlineTasks.FromAsync(_ => BeforeEmitAsync(status)))
            .Concat()
            .Catch<FalStatus, Exception>(error => InlineTasks.FromAsync(_ => OnErrorAsync(error)).SelectMany(Observable.Throw<FalStatus>(error)));

    private async Task<FalStatus> BeforeEmitAsync(FalStatus status)
    {
        // Not cancelled by disposal: an id fal gave must be recorded, or a resume would have to look it up.
        if (!_idRecorded)
        {
            await Journal.RecordRequestIdAsync(_key, _owner.Lease(), status.RequestId, CancellationToken.None).ConfigureAwait(false);
            _idRecorded = true;
            _options.OnEnqueue?.Invoke(status.RequestId);
        }

        if (status is Completed completed)
        {
            var location = _writeOutput is null ? null : await _writeOutput(completed, CancellationToken.None).ConfigureAwait(false);
            await Journal.RecordOutcomeAsync(_key, _owner.Lease(), FalJournalOutcome.Succeeded(completed.Result, location), CancellationToken.None).ConfigureAwait(false);
        }

        return status;
    }

    private async Task<bool> OnErrorAsync(Exception error)
    {
        // Only fal's verdict ends a key: an error result of a known request, or a refusal of the submit (4xx: nothing was
        // enqueued). Anything else (a network failure, a 5xx at submit, disposal) leaves the key for a resume to settle.
        if (error is not FalHttpException http)
        {
            return false;
        }

        if (http.RequestId is { } id && !_idRecorded)
        {
            await Journal.RecordRequestIdAsync(_key, _owner.Lease(), id, CancellationToken.None).ConfigureAwait(false);
            _idRecorded = true;
        }

        if (http.RequestId is not null || http.StatusCode is >= 400 and < 500)
        {
            await Journal.RecordOutcomeAsync(_key, _owner.Lease(), FalJournalOutcome.Failed(FalJournalError.From(http)), CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    internal static IObservable<FalStatus> Replay(FalJournalEntry entry) => entry.State switch
    {
        FalJournalState.Succeeded => Observable.Return<FalStatus>(new Completed(entry.RequestId ?? "", null, new FalMetrics(null), null, null, entry.Output)),
        FalJournalState.Failed => Observable.Throw<FalStatus>(entry.Error?.ToException(entry.RequestId) ?? new FalException("Recorded as failed.") { RequestId = entry.RequestId }),
        _ => Observable.Throw<FalStatus>(new FalHttpException($"Key '{entry.Key}' was cancelled.") { StatusCode = 499, RequestId = entry.RequestId }),
    };
}
