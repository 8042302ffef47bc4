using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

public class MergeBatchTests : ReactiveTest
{
    private const int Requests = 50;
    private const int MaxConcurrent = 6;

    private static (SimulatedFal Fal, ITestableObserver<int> Observer) RunBatch()
    {
        var fal = new SimulatedFal(workers: 4);
        // Run times vary with the index so completions interleave rather than march in step.
        fal.Simulator.MapApp(App, call =>
        {
            var i = call.Input.GetProperty("index").GetInt32();
            return FalAppScript.Succeed(new { index = i }, TimeSpan.FromMilliseconds(500 + (i * 37 % 7 * 150)));
        });

        var observer = fal.Scheduler.Start(
            () => Enumerable.Range(0, Requests).ToObservable(fal.Scheduler)
                .Select(i => fal.Client.Submit(App, new { index = i }).Results<IndexOutput>().Select(o => o.Index))
                .Merge(MaxConcurrent),
            disposed: Ticks(600));
        return (fal, observer);
    }

    [Fact]
    public void Merge_50RequestsOn4Workers_AllComplete_NeverMoreInFlightThanAllowed()
    {
        var (fal, observer) = RunBatch();
        using var _ = fal;

        observer.Messages.Where(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext)
            .Select(m => m.Value.Value).Should().BeEquivalentTo(Enumerable.Range(0, Requests));
        observer.Messages.Last().Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);

        var requests = fal.Simulator.Requests;
        requests.Should().HaveCount(Requests).And.OnlyContain(r => r.State == FalSimulatedRequestState.Completed);
        foreach (var r in requests)
        {
            var inFlight = requests.Count(o => o.SubmittedAt <= r.SubmittedAt && o.CompletedAt > r.SubmittedAt);
            inFlight.Should().BeLessThanOrEqualTo(MaxConcurrent);
        }

        // The queue really was used: some requests waited behind the four workers.
        requests.Should().Contain(r => r.StartedAt > r.SubmittedAt);
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void Merge_IsDeterministic_SameOrderAndTicksEveryRun()
    {
        var (first, a) = RunBatch();
        var (second, b) = RunBatch();
        using var _ = first;
        using var __ = second;

        a.Messages.Should().Equal(b.Messages);
    }

    private sealed record IndexOutput(int Index);
}
