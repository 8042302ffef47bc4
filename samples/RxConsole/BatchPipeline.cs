using System.Diagnostics;
using System.Reactive;
using System.Reactive.Linq;
using Fal.Reactive;

namespace RxConsole;

/// <summary>
/// The batch, composed with Rx: each prompt is one cold <c>fal.Submit(...)</c> with its own deadline, turned
/// into a <see cref="RequestOutcome"/> value; <c>Merge(concurrency)</c> keeps that many in flight;
/// <c>ToList()</c> gathers every outcome. Nothing runs until the result is subscribed (or awaited).
/// </summary>
internal static class BatchPipeline
{
    /// <param name="fal">The client.</param>
    /// <param name="options">App, concurrency, timeout, poll interval, steps, image size.</param>
    /// <param name="jobs">The prompts.</param>
    /// <param name="board">Progress is reported here as statuses arrive.</param>
    /// <param name="stop">
    /// Signals Ctrl+C. Each running request ends with <c>TakeUntil(stop)</c>, which disposes its
    /// subscription and so cancels it on the server; requests not yet started are not submitted.
    /// Must replay to late subscribers (an <c>AsyncSubject</c>).
    /// </param>
    /// <param name="isStopped">Whether <paramref name="stop"/> has fired.</param>
    /// <returns>A cold observable of the list of every outcome, in completion order.</returns>
    public static IObservable<IList<RequestOutcome>> Create(
        FalClient fal,
        SampleOptions options,
        IReadOnlyList<PromptJob> jobs,
        ProgressBoard board,
        IObservable<Unit> stop,
        Func<bool> isStopped)
    {
        var submitOptions = new FalSubmitOptions { WithLogs = true, PollInterval = options.PollInterval };

        IObservable<RequestOutcome> RunOne(PromptJob job) => Observable.Defer(() =>
        {
            if (isStopped())
            {
                return Observable.Return(RequestOutcome.NotStarted(job));
            }

            var started = Stopwatch.GetTimestamp();
            string? requestId = null;
            board.Submitting(job);
            return fal.Submit(options.App, Input(job, options), submitOptions)
                .Do(status =>
                {
                    requestId = status.RequestId;
                    board.Status(job, status);
                })
                // A deadline from the submit (Timeout(TimeSpan) would be "no new status for that long").
                // Either way Timeout disposes the request, which cancels it on the server.
                .Timeout(DateTimeOffset.UtcNow + options.Timeout)
                .TakeUntil(stop)
                // The first notification that decides the outcome: Completed, an error, or an empty end.
                .Materialize()
                .FirstAsync(n => n.Kind != NotificationKind.OnNext || n.Value is Completed)
                .Select(n => RequestOutcome.Classify(job, n, requestId, Stopwatch.GetElapsedTime(started)));
        }).Do(board.Finished);

        return jobs.ToObservable()
            .Select(RunOne)
            .Merge(options.Concurrency)
            .ToList();
    }

    /// <summary>The input of fal-ai/fast-sdxl (and most text-to-image apps): prompt, optional steps and size.</summary>
    private static Dictionary<string, object> Input(PromptJob job, SampleOptions options)
    {
        var input = new Dictionary<string, object> { ["prompt"] = job.Prompt };
        if (options.Steps is { } steps)
        {
            input["num_inference_steps"] = steps;
        }

        if (options.ImageSize is { } size)
        {
            input["image_size"] = size;
        }

        return input;
    }
}
