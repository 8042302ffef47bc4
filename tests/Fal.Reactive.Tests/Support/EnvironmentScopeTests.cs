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
        // A thread of its own, not Task.Run: the pool may hand back the very thread the test runs on.
        string? inside = null;
        var otherThread = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = new Thread(() =>
        {
            otherThread = Environment.CurrentManagedThreadId;
            inside = Environment.GetEnvironmentVariable(Name);
            try
            {
                scope.Dispose();
                release.SetResult();
            }
            catch (Exception e)
            {
                release.SetException(e);
            }
        });
        other.Start();
        await release.Task;

        otherThread.Should().NotBe(thread);
        inside.Should().Be("inside");

        Environment.GetEnvironmentVariable(Name).Should().Be("before");
        using (EnvironmentScope.Without(Name))
        {
            Environment.GetEnvironmentVariable(Name).Should().BeNull("the gate was released, so a second scope can be entered");
        }

        Environment.SetEnvironmentVariable(Name, null);
    }
}
