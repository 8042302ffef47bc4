namespace Fal.Reactive.Tests.Support;

public sealed class EnvironmentScopeTests
{
    private const string Name = "FAL_REACTIVE_TESTS_SCOPE_PROBE";

    [Fact]
    public async Task Scope_DisposedOnAnotherThreadAfterAwait_RestoresAndReleases()
    {
        Environment.SetEnvironmentVariable(Name, "before");
        var scope = EnvironmentScope.With((Name, "inside"));
        var thread = Environment.CurrentManagedThreadId;

        // Leave the thread the scope was entered on: a monitor would throw SynchronizationLockException on release.
        // A thread of its own, not Task.Run: the pool may hand the delegate the very thread the test ran on. The
        // scope is disposed whatever the checks say, so a failure here cannot hold the gate for the rest of the suite.
        var seen = new TaskCompletionSource<(int Thread, string? Inside)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = new Thread(() =>
        {
            var inside = Environment.GetEnvironmentVariable(Name);
            scope.Dispose();
            seen.SetResult((Environment.CurrentManagedThreadId, inside));
        });
        other.Start();
        var (otherThread, insideValue) = await seen.Task;
        other.Join();

        otherThread.Should().NotBe(thread);
        insideValue.Should().Be("inside");

        Environment.GetEnvironmentVariable(Name).Should().Be("before");
        using (EnvironmentScope.Without(Name))
        {
            Environment.GetEnvironmentVariable(Name).Should().BeNull("the gate was released, so a second scope can be entered");
        }

        Environment.SetEnvironmentVariable(Name, null);
    }
}
