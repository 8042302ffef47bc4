
namespace Fal.Reactive;

/// <summary>
/// One run of <see cref="FalDurableClient.RunBatch"/> on this worker: <see cref="FalBatchOptions.MaxConcurrency"/> loops each
/// leasing the next key, working it through <see cref="DurableRequest"/> and reporting it; then the keys others finished.
/// </summary>
internal sealed class DurableBatch(FalDurableClient owner, List<FalBatchItem> items, FalBatchOptions options, IObserver<FalBatchResult> observer)
{
    private readonly Dictionary<string, FalBatchItem> _items = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gaveUp = new(StringComparer.Ordinal); // could not go on in this run: kept leased until the end
    private readonly object _gate = new();

    private IFalRequestJournal Journal => owner.Journal;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            var entry = await Journal.AddAsync(item.Key, item.AppId, cancellationToken).ConfigureAwait(false);
            if (entry.AppId != item.AppId)
            {
                GiveUp(item.Key, new FalJournalException($"Key '{item.Key}' is recorded for app {entry.AppId}, not {item.AppId}.") { Key = item.Key, Failure = FalJournalFailure.AppMismatch });
            }
        }

        // Restarted under the same worker id: the keys it held are its own again at once.
        await Journal.ReleaseAsync(null, owner.Lease(), cancellationToken).ConfigureAwait(false);
        var workers = Enumerable.Range(0, options.MaxConcurrency).Select(_ => WorkAsync(cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            await Journal.ReleaseAsync(null, owner.Lease(), CancellationToken.None).ConfigureAwait(false);
        }

        // Keys finished by other workers (or earlier runs) are reported too: every key once.
        foreach (var item in items)
        {
            if (!IsReported(item.Key) && await Journal.GetAsync(item.Key, cancellationToken).ConfigureAwait(false) is { IsFinished: true } done)
            {
                Report(ResultOf(done, fromJournal: true));
            }
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var entry = await Journal.LeaseNextAsync(owner.Lease(), cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                if (await AllDoneAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                // Keys leased by other workers: wait, and take them over if their leases lapse.
                await SchedulerDelay.Delay(owner.Scheduler, owner.Options.RetryInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!_items.TryGetValue(entry.Key, out var item))
            {
                await UnwantedAsync(entry, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await WorkKeyAsync(item, entry, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WorkKeyAsync(FalBatchItem item, FalJournalEntry entry, CancellationToken cancellationToken)
    {
        var app = FalAppId.Parse(item.AppId);
        var write = options.WriteOutput is { } writer && entry.Location is null ? (c, ct) => writer(item, c, ct) : (Func<Completed, CancellationToken, Task<string?>>?)null;
        var requestOptions = owner.Client.CheckDurable(item.Options ?? options.SubmitOptions);
        try
        {
            await InlineTasks.LastAsync(DurableRequest.Create(owner, item.Key, app, FalInput.PreparedOrEmpty(item.Input), requestOptions, entry, write), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A key's error is its result; the journal says whether it is final.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var recorded = await Journal.GetAsync(item.Key, CancellationToken.None).ConfigureAwait(false);
            if (recorded is not { IsFinished: true })
            {
                GiveUp(item.Key, e as FalException ?? new FalException(e.Message, e) { RequestId = recorded?.RequestId });
                return;
            }
        }

        var final = await Journal.GetAsync(item.Key, CancellationToken.None).ConfigureAwait(false);
        Report(ResultOf(final!, fromJournal: false));
    }

    /// <summary>An unfinished key not in the batch: cancelled on fal when it has a request there, then recorded cancelled.</summary>
    private async Task UnwantedAsync(FalJournalEntry entry, CancellationToken cancellationToken)
    {
        if (!options.CancelUnlisted)
        {
            lock (_gate)
            {
                _gaveUp.Add(entry.Key); // held (not worked) until the batch ends, so the loop moves on
            }

            return;
        }

        try
        {
            var app = FalAppId.Parse(entry.AppId);
            var requestId = entry.State switch
            {
                FalJournalState.Submitted => entry.RequestId,
                FalJournalState.Submitting => await owner.SettleAsync(entry, app, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            if (requestId is not null)
            {
                await owner.Client.GetHandle(entry.AppId, requestId).CancelAsync(cancellationToken).ConfigureAwait(false);
            }

            await Journal.RecordOutcomeAsync(entry.Key, owner.Lease(), FalJournalOutcome.Cancelled(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Not cancelled this time (e.g. the listing is unavailable): left as it is, held till the end.
        catch (Exception)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                _gaveUp.Add(entry.Key);
            }
        }
    }

    private async Task<bool> AllDoneAsync(CancellationToken cancellationToken)
    {
        await foreach (var entry in Journal.ListAsync(unfinishedOnly: true, cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (_items.ContainsKey(entry.Key) && !_gaveUp.Contains(entry.Key))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private void GiveUp(string key, FalException error)
    {
        lock (_gate)
        {
            _gaveUp.Add(key);
        }

        Report(new FalBatchResult(key, FalJournalState.Failed) { Error = error, RequestId = error.RequestId });
    }

    private bool IsReported(string key)
    {
        lock (_gate)
        {
            return _reported.Contains(key);
        }
    }

    private void Report(FalBatchResult result)
    {
        lock (_gate)
        {
            if (_reported.Add(result.Key))
            {
                observer.OnNext(result);
            }
        }
    }

    private static FalBatchResult ResultOf(FalJournalEntry entry, bool fromJournal) => new(entry.Key, entry.State)
    {
        RequestId = entry.RequestId,
        Output = entry.Output,
        Location = entry.Location,
        Error = entry.State switch
        {
            FalJournalState.Failed => entry.Error?.ToException(entry.RequestId),
            FalJournalState.Cancelled => new FalHttpException($"Key '{entry.Key}' was cancelled.") { StatusCode = 499, RequestId = entry.RequestId },
            _ => null,
        },
        FromJournal = fromJournal,
    };
}
