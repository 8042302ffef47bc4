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
        await Task.Run(() =>
        {
            Environment.CurrentManagedThreadId.Should().NotBe(thread);
            Environment.GetEnvironmentVariable(Name).Should().Be("inside");
            scope.Dispose();
        });

        Environment.GetEnvironmentVariable(Name).Should().Be("before");
        using (EnvironmentScope.Without(Name))
        {
            Environment.GetEnvironmentVariable(Name).Should().BeNull("the gate was released, so a second scope can be entered");
        }

        Environment.SetEnvironmentVariable(Name, null);
    }
}
