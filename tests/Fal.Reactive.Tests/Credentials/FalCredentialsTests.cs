namespace Fal.Reactive.Tests.Credentials;

public class FalCredentialsTests
{
    private const string Secret = "sk-test-0123456789abcdef";

    [Fact]
    public void FromKey_HeaderIsKeyScheme_AndToStringHidesTheKey()
    {
        var credentials = FalCredentials.FromKey(Secret);

        credentials.AuthorizationHeaderValue.Should().Be("Key " + Secret);
        credentials.ToString().Should().NotContain(Secret).And.Contain("explicit key");
    }

    [Fact]
    public void FromKeyPair_JoinsIdAndSecret()
    {
        var credentials = FalCredentials.FromKeyPair("id-1", Secret);

        credentials.AuthorizationHeaderValue.Should().Be($"Key id-1:{Secret}");
        credentials.ToString().Should().NotContain(Secret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    public void FromKey_BadKey_ThrowsWithoutEchoingIt(string key)
    {
        var act = () => FalCredentials.FromKey(key);

        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain(key.Length > 0 ? key : "\u0000");
    }

    [Fact]
    public void FromKeyPair_IdWithColon_Throws() =>
        FluentActions.Invoking(() => FalCredentials.FromKeyPair("a:b", "c")).Should().Throw<ArgumentException>().WithParameterName("keyId");
}
