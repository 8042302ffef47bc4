using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Readme;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Options;

/// <summary>Host overrides from FAL_EMULATOR_URL, FAL_RUN_HOST and FAL_QUEUE_RUN_HOST, applied to unset hosts.</summary>
[Collection(EnvironmentVariablesDefinition.Name)]
public class FalEnvironmentTests
{
    private static readonly string[] s_variables =
        [FalEnvironment.EmulatorUrlVariable, FalEnvironment.RunHostVariable, FalEnvironment.QueueRunHostVariable];

    private static EnvironmentScope With(params (string Name, string? Value)[] values) =>
        EnvironmentScope.With(s_variables.Select(n => (n, values.FirstOrDefault(v => v.Name == n).Value)).ToArray());

    [Fact]
    public void NoVariables_HostsAreFals()
    {
        using var _ = With();
        var options = new FalClientOptions();

        options.QueueUrl.Should().Be(FalClientOptions.DefaultQueueUrl);
        options.RunUrl.Should().Be(FalClientOptions.DefaultRunUrl);
        options.RestUrl.Should().Be(FalClientOptions.DefaultRestUrl);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8765")]
    [InlineData("http://127.0.0.1:8765/")]
    public void EmulatorUrl_QueueAtItsRoot_RunAndRestUnderTheirPrefixes(string value)
    {
        using var _ = With((FalEnvironment.EmulatorUrlVariable, value));
        var options = new FalClientOptions();

        options.QueueUrl.Should().Be(new Uri("http://127.0.0.1:8765/"));
        options.RunUrl.Should().Be(new Uri("http://127.0.0.1:8765/_run/"));
        options.RestUrl.Should().Be(new Uri("http://127.0.0.1:8765/_rest/"));
    }

    [Theory]
    [InlineData("127.0.0.1:8765")]
    [InlineData("localhost:8765")]
    public void EmulatorUrl_WithoutItsScheme_IsAnErrorNamingTheVariableAndTheUrlToUse_NotATlsErrorLater(string value)
    {
        using var _ = With((FalEnvironment.EmulatorUrlVariable, value));

        var create = () => new FalClient(new FalClientOptions { Credentials = FalCredentials.FromKey("k") });

        create.Should().Throw<InvalidOperationException>().Which.Message
            .Should().Contain("FAL_EMULATOR_URL").And.Contain($"http://{value}").And.Contain("scheme");
    }

    [Fact]
    public void AnOptionUrlWithoutItsScheme_IsAnArgumentExceptionNamingTheOption()
    {
        using var _ = With();

        var create = () => new FalClient(new FalClientOptions { Credentials = FalCredentials.FromKey("k"), QueueUrl = new Uri("localhost:8765") });

        create.Should().Throw<ArgumentException>().Which.Message.Should().Contain("QueueUrl").And.Contain("scheme").And.Contain("http://");
    }

    [Fact]
    public async Task NoKey_TheErrorPointsAtTheEmulatorForLocalWork()
    {
        using var _ = EnvironmentScope.With(
            (FalCredentials.KeyVariable, null), (FalCredentials.KeyIdVariable, null), (FalCredentials.KeySecretVariable, null),
            (FalEnvironment.EmulatorUrlVariable, null), (FalEnvironment.RunHostVariable, null), (FalEnvironment.QueueRunHostVariable, null));
        using var fal = new FalClient();

        var error = await fal.Invoking(f => f.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "x" })).Should().ThrowAsync<MissingCredentialsException>();

        error.Which.Message.Should().Contain("FAL_KEY").And.Contain("FAL_EMULATOR_URL").And.Contain("emulator");
    }

    [Fact]
    public void RunHost_AsFalClientReadsIt_HttpsAndQueueIsQueueDotRunHost()
    {
        using var _ = With((FalEnvironment.RunHostVariable, "fal.example.com"));
        var options = new FalClientOptions();

        options.RunUrl.Should().Be(new Uri("https://fal.example.com/"));
        options.QueueUrl.Should().Be(new Uri("https://queue.fal.example.com/"));
        options.RestUrl.Should().Be(FalClientOptions.DefaultRestUrl);
    }

    [Fact]
    public void QueueRunHost_OverridesTheQueueHostOnly_AlsoOverTheEmulatorUrl()
    {
        using var _ = With(
            (FalEnvironment.EmulatorUrlVariable, "http://localhost:9000"),
            (FalEnvironment.QueueRunHostVariable, "http://localhost:9001"));
        var options = new FalClientOptions();

        options.QueueUrl.Should().Be(new Uri("http://localhost:9001/"));
        options.RunUrl.Should().Be(new Uri("http://localhost:9000/_run/"));
    }

    [Fact]
    public void ExplicitUrls_WinOverTheEnvironment_EvenAMalformedOne()
    {
        using var _ = With((FalEnvironment.EmulatorUrlVariable, "not a url"));
        var options = new FalClientOptions
        {
            QueueUrl = new Uri("http://q.test/"),
            RunUrl = new Uri("http://r.test/"),
            RestUrl = new Uri("http://s.test/"),
            ApiUrl = new Uri("http://a.test/"),
        };

        using var client = new FalClient(options);   // reads no variable, so the malformed one is not an error
        options.QueueUrl.Should().Be(new Uri("http://q.test/"));
    }

    [Theory]
    [InlineData(FalEnvironment.EmulatorUrlVariable, "ftp://127.0.0.1:8765")]
    [InlineData(FalEnvironment.EmulatorUrlVariable, "http://127.0.0.1:8765/?x=1")]
    [InlineData(FalEnvironment.RunHostVariable, "fal.example.com/some/path")]
    [InlineData(FalEnvironment.QueueRunHostVariable, "bad host")]
    public void MalformedVariable_ClientCreationFails_NamingTheVariable(string name, string value)
    {
        using var _ = With((name, value));

        var act = () => new FalClient(new FalClientOptions());

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{name}*");
    }
}
