namespace Fal.Reactive.Tests;

public class SmokeTest
{
    [Fact]
    public void Client_type_exists() => typeof(FalClient).Should().NotBeNull();
}
