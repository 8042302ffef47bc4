using System.Net;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;
using static Fal.Reactive.Tests.Support.SimulatedFal;

namespace Fal.Reactive.Tests.Requests;

/// <summary>A status stream that goes silent (no event, no keep-alive) is dropped for polling after the idle timeout.</summary>
public class StatusStreamIdleTests : ReactiveTest
{
    [Fact]
    public void ASilentStatusStream_FallsBackToPolling_AfterStatusStreamIdleTimeout_OnTheScheduler() =>
        FirstPollWithStreamBody(_ => new SilentStream()).Should().Be(200 + Ticks(30), "polling starts when the silent stream's idle timeout expires");

    [Fact]
    public void AStatusStreamSilentAfterAKeepAlive_FallsBackOneIdleTimeoutAfterTheKeepAlive_NotAfterItOpened() =>
        // The first read brings a keep-alive 10 s after the stream opened; every later read is silent. The idle check
        // armed by the first read fires during the second and must wait out what is left of it.
        FirstPollWithStreamBody(scheduler => new SilentStream(scheduler, TimeSpan.FromSeconds(10)))
            .Should().Be(200 + Ticks(10) + Ticks(30), "the idle timeout counts from the last read that brought bytes");

    /// <summary>Follows a request by its status stream, served with <paramref name="body"/>; the virtual time of the first poll (the fallback).</summary>
    private static long FirstPollWithStreamBody(Func<TestScheduler, Stream> body)
    {
        using var fal = new SimulatedFal();
        fal.Simulator.MapApp(App, FalAppScript.Succeed(new { ok = true }, TimeSpan.FromSeconds(100)));
        using var handler = new ScriptedHandler((request, token) => request.RequestUri!.AbsolutePath.EndsWith("/status/stream", StringComparison.Ordinal)
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body(fal.Scheduler)) })
            : null)
        { InnerHandler = fal.Simulator.CreateHandler() };
        using var client = new FalClient(new HttpClient(handler), new FalClientOptions
        {
            Credentials = FalCredentials.FromKey(Key), Scheduler = fal.Scheduler, PollInterval = Interval, StatusStreamIdleTimeout = TimeSpan.FromSeconds(30),
        });

        var observer = fal.Scheduler.Start(
            () => client.Submit(App, new { prompt = "x" }, new FalSubmitOptions { StatusMode = FalStatusMode.Streaming }), disposed: Ticks(200));

        observer.Messages[^1].Value.Kind.Should().Be(System.Reactive.NotificationKind.OnCompleted);
        return fal.CallsOf(FalCallKind.Status)[0].Time.Ticks;
    }

    /// <summary>A body that sends nothing, ever (or one keep-alive after a while, then nothing); a read ends only when cancelled.</summary>
    private sealed class SilentStream(TestScheduler? scheduler = null, TimeSpan keepAliveAfter = default) : Stream
    {
        private bool _keptAlive;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = new TaskCompletionSource<int>();
            cancellationToken.Register(() => read.TrySetCanceled(cancellationToken));
            if (scheduler is not null && !_keptAlive)
            {
                _keptAlive = true;
                scheduler.ScheduleRelative(0, keepAliveAfter.Ticks, (_, _) =>
                {
                    var keepAlive = ": keep-alive\n\n"u8;
                    keepAlive.CopyTo(buffer.Span);
                    // Completed with no synchronization context, so the reader goes on at this very tick.
                    var context = SynchronizationContext.Current;
                    SynchronizationContext.SetSynchronizationContext(null);
                    read.TrySetResult(keepAlive.Length);
                    SynchronizationContext.SetSynchronizationContext(context);
                    return System.Reactive.Disposables.Disposable.Empty;
                });
            }

            return new ValueTask<int>(read.Task);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
