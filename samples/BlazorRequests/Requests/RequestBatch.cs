using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Fal.Reactive;

namespace BlazorRequests.Requests;

/// <summary>
/// A batch as one observable: each row's <c>fal.Submit(...)</c> with its deadline and its Cancel button, at most
/// <see cref="BatchSettings.Concurrency"/> at once (<c>Merge(n)</c>). Subscribing runs the batch; disposing the
/// subscription (Cancel all, or the page closing) disposes every running request, which cancels each on fal, and
/// submits none of those still waiting.
/// </summary>
public sealed class RequestBatch(FalClient fal, IScheduler scheduler, string appId)
{
    /// <summary>The batch's notifications; a request's error is a row's update, so one failure does not end the batch.</summary>
    /// <param name="rows">The rows, in the order they are submitted.</param>
    /// <param name="settings">Concurrency, deadline, steps.</param>
    /// <param name="cancelClicks">A row's Cancel button: the row whose request to dispose.</param>
    public IObservable<RowUpdate> Run(IReadOnlyList<RequestRow> rows, BatchSettings settings, IObservable<RequestRow> cancelClicks)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(cancelClicks);
        return rows.Select(row => One(row, settings, cancelClicks.Where(clicked => clicked == row).Select(_ => Unit.Default)))
            .Merge(settings.Concurrency);
    }

    private IObservable<RowUpdate> One(RequestRow row, BatchSettings settings, IObservable<Unit> cancelled) =>
        Observable.Defer(() =>
        {
            if (row.CancelRequested)
            {
                return Observable.Empty<RowUpdate>(); // cancelled while waiting for a slot: never submitted
            }

            var input = new { prompt = row.Prompt, num_inference_steps = settings.Steps, image_size = "square" };
            return Observable.Return(new RowUpdate(row, null, null))
                .Concat(fal.Submit(appId, input, new FalSubmitOptions { WithLogs = true })
                    .Timeout(scheduler.Now + settings.Deadline, scheduler) // a deadline, not an inactivity timeout
                    .TakeUntil(cancelled)                                  // the row's Cancel: disposes the request
                    .Select(status => new RowUpdate(row, status, null))
                    .Catch((Exception error) => Observable.Return(new RowUpdate(row, null, error))));
        });
}
