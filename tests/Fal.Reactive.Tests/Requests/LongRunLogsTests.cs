using System.Reactive.Linq;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>
/// A long run with logs (more than <see cref="FalClientOptions.MaxStatusBytes"/> of them, as fal repeats every line on
/// each poll): polled or streamed, the request completes and its statuses keep the newest MaxLogLines, the same lines.
/// </summary>
public class LongRunLogsTests : ReactiveTest
{
    private const int Lines = 12_000;

    private static List<FalStatus> Run(FalStatusMode mode)
    {
        var fal = new SimulatedFal(workers: 1);
        using var _fal = fal;
        // 12,000 lines of about 130 bytes as JSON over a minute: fal's answer passes 1 MiB at about line 8,000.
        var logs = Enumerable.Range(0, Lines).Select(i => (TimeSpan.FromMilliseconds(5 * (i + 1)), $"step {i} " + new string('.', 60))).ToArray();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(61)).WithLogs(logs));
        // Polled every 5 s: a dozen answers of up to 1.6 MiB each.
        var options = new FalSubmitOptions { WithLogs = true, StatusMode = mode, PollInterval = TimeSpan.FromSeconds(5) };

        var observer = fal.Scheduler.Start(() => fal.Client.Submit(App, new { prompt = "x" }, options), disposed: Ticks(120));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted, $"the {mode} run completes: {observer.Messages[^1].Value}");
        fal.CallsOf(FalCallKind.Cancel).Should().BeEmpty();
        return observer.Messages.Where(m => m.Value.HasValue).Select(m => m.Value.Value).ToList();
    }

    [Theory]
    [InlineData(FalStatusMode.Polling)]
    [InlineData(FalStatusMode.Streaming)]
    public void ALongRunWithMoreThan1MiBOfLogs_Completes_KeepingTheNewest1000Lines(FalStatusMode mode)
    {
        var statuses = Run(mode);

        var completed = statuses[^1].Should().BeOfType<Completed>().Which;
        completed.Logs!.Should().HaveCount(FalClientOptions.DefaultMaxLogLines);
        completed.OmittedLogCount.Should().Be(Lines - FalClientOptions.DefaultMaxLogLines);
        completed.Logs![0].Message.Should().StartWith($"step {Lines - 1000} ");
        completed.Logs![^1].Message.Should().StartWith($"step {Lines - 1} ");
        statuses.OfType<InProgress>().Should().OnlyContain(p => p.Logs!.Count <= 1000)
            .And.Contain(p => p.OmittedLogCount > 0, "InProgress statuses past 1,000 lines keep the newest too");
        statuses.OfType<InProgress>().Select(p => p.OmittedLogCount + p.Logs!.Count).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("each is news");
        statuses.OfType<InProgress>().Should().HaveCountGreaterThan(5, "every poll (and event) brings new lines, also once 1,000 are kept");
    }

    [Fact]
    public void PollingAndStreaming_KeepTheSameLines_ForTheSameRun()
    {
        var polled = (Completed)Run(FalStatusMode.Polling)[^1];
        var streamed = (Completed)Run(FalStatusMode.Streaming)[^1];

        streamed.Logs.Should().Equal(polled.Logs);
        streamed.OmittedLogCount.Should().Be(polled.OmittedLogCount);
    }
}
