using System.Reactive;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Requests;

/// <summary>The sink keeps the observer grammar (one terminal notification, nothing after it) and mutes on dispose.</summary>
public class SinkTests
{
    [Fact]
    public void AfterOnError_NothingReachesTheObserver()
    {
        var (sink, observer) = Create();

        sink.Next(1);
        sink.Error(new InvalidOperationException("first")).Should().BeTrue();
        sink.Next(2);
        sink.Error(new InvalidOperationException("second")).Should().BeFalse();
        sink.Last(3).Should().BeFalse();

        Kinds(observer).Should().Equal(NotificationKind.OnNext, NotificationKind.OnError);
        observer.Messages[1].Value.Exception!.Message.Should().Be("first");
    }

    [Fact]
    public void AfterTheLastElementAndCompletion_NothingReachesTheObserver()
    {
        var (sink, observer) = Create();

        sink.Last(1).Should().BeTrue();
        sink.Next(2);
        sink.Error(new InvalidOperationException()).Should().BeFalse();
        sink.Last(3).Should().BeFalse();

        Kinds(observer).Should().Equal(NotificationKind.OnNext, NotificationKind.OnCompleted);
        observer.Messages[0].Value.Value.Should().Be(1);
    }

    [Fact]
    public void AfterDispose_NothingReachesTheObserver_AndTheWorkIsStopped()
    {
        var (sink, observer) = Create();

        sink.Next(1);
        sink.Dispose();
        sink.Next(2);
        sink.Error(new InvalidOperationException()).Should().BeFalse();
        sink.Last(3).Should().BeFalse();

        Kinds(observer).Should().Equal(NotificationKind.OnNext);
        sink.Stops.Should().Be(1);
        sink.Disposed.Should().BeTrue();
    }

    [Fact]
    public void AnObserverThatThrows_IsKept_DisposesTheSubscription_AndHearsNothingMore()
    {
        var calls = new List<string>();
        var sink = new TestSink(new ThrowingObserver(calls));

        sink.Invoking(s => s.Next(1)).Should().Throw<InvalidOperationException>().WithMessage("observer");
        sink.Next(2);
        sink.Error(new TimeoutException()).Should().BeFalse();

        calls.Should().Equal("OnNext 1");
        sink.Fault!.SourceException.Message.Should().Be("observer");
        sink.Stops.Should().Be(1, "as Rx's safeguard does, the subscription is disposed (a request is cancelled)");
    }

    private static (TestSink Sink, ITestableObserver<int> Observer) Create()
    {
        var observer = new TestScheduler().CreateObserver<int>();
        return (new TestSink(observer), observer);
    }

    private static List<NotificationKind> Kinds(ITestableObserver<int> observer) => [.. observer.Messages.Select(m => m.Value.Kind)];

    private sealed class TestSink(IObserver<int> observer) : Sink<int>(observer)
    {
        public int Stops { get; private set; }

        public bool Disposed => IsDisposed;

        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Fault => ObserverFault;

        public void Next(int value) => ForwardOnNext(value);

        public bool Last(int value) => ForwardLast(value);

        public bool Error(Exception error) => ForwardOnError(error);

        protected override void Dispose(bool disposing) => Stops++;
    }

    private sealed class ThrowingObserver(List<string> calls) : IObserver<int>
    {
        public void OnNext(int value)
        {
            calls.Add($"OnNext {value}");
            throw new InvalidOperationException("observer");
        }

        public void OnError(Exception error) => calls.Add("OnError");

        public void OnCompleted() => calls.Add("OnCompleted");
    }
}
