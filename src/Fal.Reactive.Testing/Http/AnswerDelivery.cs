using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>
/// Delivers answers <see cref="FalSimulatorOptions.Latency"/> after they are ready, on the scheduler (at once when
/// zero), and records each answer's status code on its call.
/// </summary>
internal sealed class AnswerDelivery(IScheduler scheduler, TimeSpan latency, Action<CallRecord, int?> recordStatus)
{
    public Task<SimulatorHttpResponse> Deliver(CallRecord call, Task<SimulatorHttpResponse> answer)
    {
        if (answer.IsCompleted)
        {
            Record(call, answer);
            return latency == TimeSpan.Zero ? answer : Delay(answer);
        }

        var delivered = new TaskCompletionSource<SimulatorHttpResponse>();
        answer.ContinueWith(
            done =>
            {
                Record(call, done);
                if (latency == TimeSpan.Zero)
                {
                    Forward(done, delivered);
                }
                else
                {
                    scheduler.Schedule(latency, () => InlineContinuations.Run(() => Forward(done, delivered)));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return delivered.Task;
    }

    private Task<SimulatorHttpResponse> Delay(Task<SimulatorHttpResponse> done)
    {
        var delivered = new TaskCompletionSource<SimulatorHttpResponse>();
        scheduler.Schedule(latency, () => InlineContinuations.Run(() => Forward(done, delivered)));
        return delivered.Task;
    }

    private static void Forward(Task<SimulatorHttpResponse> from, TaskCompletionSource<SimulatorHttpResponse> to)
    {
        if (from.IsCanceled)
        {
            to.TrySetCanceled();
        }
        else if (from.Exception is { } exception)
        {
            to.TrySetException(exception.InnerExceptions);
        }
        else
        {
            to.TrySetResult(from.Result);
        }
    }

    private void Record(CallRecord call, Task<SimulatorHttpResponse> answer) =>
        recordStatus(call, answer.IsCompletedSuccessfully && !answer.Result.DropConnection ? answer.Result.StatusCode : null);
}
