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
        // LongRunning: a thread of its own (Task.Run may run the work on this very thread once it returns to the
        // pool). The scope is disposed whatever the assertions say, or every later scope would wait for it.
        await Task.Factory.StartNew(
            () =>
            {
                try
                {
                    Environment.CurrentManagedThreadId.Should().NotBe(thread);
                    Environment.GetEnvironmentVariable(Name).Should().Be("inside");
                }
                finally
                {
                    scope.Dispose();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        Environment.GetEnvironmentVariable(Name).Should().Be("before");
        using (EnvironmentScope.Without(Name))
        {
            Environment.GetEnvironmentVariable(Name).Should().BeNull("the gate was released, so a second scope can be entered");
        }

        Environment.SetEnvironmentVariable(Name, null);
    }
}
