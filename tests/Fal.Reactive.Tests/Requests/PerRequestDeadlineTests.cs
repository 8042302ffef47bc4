using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>
/// docs/batch.md's per-request deadline under Merge(n), in virtual time: with Observable.Defer each request's
/// deadline starts when Merge subscribes it; without, every deadline starts with the batch.
/// </summary>
public class PerRequestDeadlineTests
{
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private static List<(int Index, string? Error)> RunBatch(bool deferred, out SimulatedFal fal)
    {
        var sim = fal = new SimulatedFal(workers: 4);
        sim.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, s_run));
        IObservable<FalStatus> Request(int i) =>
            sim.Client.Submit(App, new { index = i }).Timeout(sim.Scheduler.Now + s_deadline, sim.Scheduler);

        var observer = sim.Scheduler.Start(
            () => Enumerable.Range(0, 3).ToObservable(sim.Scheduler)
                .Select(i => (deferred ? Observable.Defer(() => Request(i)) : Request(i))
                    .OfType<Completed>()
                    .Select(_ => (Index: i, Error: (string?)null))
                    .Catch((Exception e) => Observable.Return((Index: i, Error: (string?)e.GetType().Name))))
                .Merge(1)
                .ToList(),
            disposed: Ticks(600));
        return [.. observer.Messages.Single(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext).Value.Value];
    }

    [Fact]
    public void Deferred_EachRequestGetsItsWholeDeadline_FromWhenMergeStartsIt()
    {
        var outcomes = RunBatch(deferred: true, out var fal);
        using var _ = fal;

        outcomes.Should().HaveCount(3).And.OnlyContain(o => o.Error == null, "each 60 s run fits in its own 90 s");
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
    }

    [Fact]
    public void NotDeferred_EveryDeadlineStartsWithTheBatch_SoLaterRequestsFail()
    {
        var outcomes = RunBatch(deferred: false, out var fal);
        using var _ = fal;

        outcomes.Single(o => o.Index == 0).Error.Should().BeNull();
        outcomes.Where(o => o.Index > 0).Should().OnlyContain(o => o.Error == nameof(TimeoutException), "their 90 s began with the batch");
    }
}
